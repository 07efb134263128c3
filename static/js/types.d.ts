// Browser APIs the modules feature-test but TypeScript's DOM library does not declare yet.

interface NetworkInformation {
  readonly effectiveType?: string;
  readonly saveData?: boolean;
  addEventListener(type: "change", listener: () => void): void;
}

interface Navigator {
  /** The Network Information API (Chromium only): absent elsewhere. */
  readonly connection?: NetworkInformation;
}

declare namespace Intl {
  interface Locale {
    /** Intl Locale Info: a method in newer engines, a getter in older ones. */
    getTextInfo?(): { direction?: "ltr" | "rtl" };
    readonly textInfo?: { direction?: "ltr" | "rtl" };
  }
}
