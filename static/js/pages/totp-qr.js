// Draws the authenticator key as a QR code on the device; the server never renders QR codes.
import qrcode from "../../vendor/qrcode.js";
import { _, loadCatalog } from "../i18n.js";

const holder = document.getElementById("totp-qr");
if (holder?.dataset.uri) {
  await loadCatalog();
  const qr = qrcode(0, "M");
  qr.addData(holder.dataset.uri);
  qr.make();
  const svg = new DOMParser().parseFromString(qr.createSvgTag({ cellSize: 4, margin: 2 }), "image/svg+xml");
  const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
  title.textContent = _("Scan with your authenticator app");
  svg.documentElement.prepend(title);
  holder.replaceChildren(document.importNode(svg.documentElement, true));
}
