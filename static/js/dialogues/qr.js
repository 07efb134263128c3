// QR codes drawn on the device as SVG (the server never renders them), as in pages/totp-qr.js.

import qrcode from "../../vendor/qrcode.js";

/**
 * @param {string} text what the code holds
 * @param {string} title accessible name of the image
 * @returns {SVGElement}
 */
export function qrSvg(text, title) {
  const qr = qrcode(0, "M");
  qr.addData(text);
  qr.make();
  const parsed = new DOMParser().parseFromString(
    qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true }),
    "image/svg+xml",
  );
  const svg = /** @type {SVGElement} */ (/** @type {Element} */ (document.importNode(parsed.documentElement, true)));
  const label = document.createElementNS("http://www.w3.org/2000/svg", "title");
  label.textContent = title;
  svg.prepend(label);
  svg.setAttribute("role", "img");
  return svg;
}
