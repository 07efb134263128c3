// The sheets of the print pack (page-print.js): a session's agenda in one working language, and
// invitation cards four to an A4 page. Each sheet or card is made in its own language and
// direction (`inLocale`), not the interface's: an Urdu agenda printed from an English screen is
// laid out right to left with Urdu labels, its times in the dialogue's time zone.

import { _, inLocale, numberFormat, currentLocale, dateTimeFormat } from "../i18n.js";
import { itemsOf, pickText } from "./docs.js";
import { phaseLabel, roleLabel, ruleExplanation, ruleLabel } from "./labels.js";
import { qrSvg } from "./qr.js";
import { displayLocale, formatIsolated, formatRange, isolate, zoneName } from "./time.js";
import { direction, h, userText } from "./ui.js";

/** Cards on one A4 sheet (two by two, cut along the dashed lines). */
export const CARDS_PER_SHEET = 4;

/**
 * One session's agenda in `tag`: the dialogue's and the session's titles, the times in the
 * dialogue's zone (named in `tag`), each item with its phase, time box and rule, and what the
 * rules of this session mean. Team guidance is never printed.
 * @param {any} model from docs.buildModel
 * @param {any} session a session entry of the model
 * @param {string} tag the sheet's language
 * @param {string[]} working the dialogue's working languages (fallbacks for a missing title)
 * @param {string} timeZone the dialogue's IANA zone
 */
export function agendaSheet(model, session, tag, working, timeZone) {
  const dir = direction(tag);
  return inLocale(tag, dir, () => {
    const prefs = [tag, ...working];
    const dialogueTitle = pickText(model.dialogue?.doc.title, prefs);
    const sessionTitle = pickText(session.doc.title, prefs);
    const items = itemsOf(model, session.doc.id);
    const rules = [...new Set(items.map((item) => item.doc.confidentiality))].filter((rule) => ruleExplanation(rule));
    const minutes = numberFormat(currentLocale());
    return h("section", { class: "sheet agenda-sheet", lang: tag, dir, dataset: { sheet: "agenda", lang: tag } },
      dialogueTitle ? userText("p", dialogueTitle.text, dialogueTitle.lang, { class: "sheet-dialogue" }) : null,
      h("p", { class: "sheet-kind", text: _("Agenda") }),
      userText("h3", sessionTitle?.text ?? _("(untitled)"), sessionTitle?.lang, { class: "sheet-title" }),
      h("p", { class: "sheet-when", text: formatRange(session.doc.starts, session.doc.ends, timeZone) }),
      h("p", { class: "sheet-zone", text: _("Times are in the dialogue's time zone: %(zone)s.", { zone: isolate(zoneName(timeZone)) }) }),
      items.length
        ? h("ol", { class: "sheet-items" }, items.map((item) => {
          const title = pickText(item.doc.title, prefs);
          const facts = [
            phaseLabel(item.doc.phase),
            _("%(minutes)s min", { minutes: minutes.format(Number(item.doc.minutes) || 0) }),
            ruleLabel(item.doc.confidentiality),
          ];
          return h("li", {},
            userText("span", title?.text ?? _("(untitled)"), title?.lang, { class: "sheet-item-title" }),
            h("span", { class: "sheet-item-facts", text: facts.join(" · ") }));
        }))
        : h("p", { text: _("No agenda item in this session yet.") }),
      rules.length
        ? h("div", { class: "sheet-rules" },
          h("h4", { text: _("Confidentiality rules") }),
          h("ul", {}, rules.map((rule) => h("li", { text: ruleExplanation(rule) }))))
        : null);
  });
}

/**
 * One invitation's card, in the invitation's language: its QR code and link, the role, the
 * person's name when the team gave one, how to use it, and until when (in the dialogue's zone,
 * where the card is used).
 * @param {{inviteId: string, link: string, role: string, name: string, tag: string,
 *   expiresAt: string, timeZone: string}} card
 */
export function invitationCard({ inviteId, link, role, name, tag, expiresAt, timeZone }) {
  const dir = direction(tag);
  return inLocale(tag, dir, () => {
    const until = new Date(expiresAt);
    const format = dateTimeFormat(displayLocale(), {
      year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short", timeZone,
    });
    const when = Number.isNaN(until.getTime()) ? "" : formatIsolated(format, until);
    return h("article", { class: "invite-card", lang: tag, dir, dataset: { inviteId } },
      h("p", { class: "card-kind", text: _("Invitation to a dialogue") }),
      name ? userText("p", name, null, { class: "card-name" }) : null,
      h("p", { class: "card-role", text: roleLabel(role) }),
      h("div", { class: "card-qr" }, qrSvg(link, _("QR code of the invitation link"))),
      h("p", { class: "card-instruction", text: _("Scan the code with your phone's camera, or type the link into its browser, to join the dialogue.") }),
      h("p", { class: "card-link", dir: "ltr", translate: "no", text: link }),
      h("p", { class: "card-private", text: _("Keep this card to yourself: until it is used, whoever holds it can ask to join in your place.") }),
      when ? h("p", { class: "card-expires", text: _("Valid until %(when)s", { when }) }) : null);
  });
}

/**
 * The cards, CARDS_PER_SHEET to a sheet.
 * @param {HTMLElement[]} cards
 */
export function cardSheets(cards) {
  const sheets = [];
  for (let at = 0; at < cards.length; at += CARDS_PER_SHEET) {
    sheets.push(h("section", { class: "sheet card-sheet", dataset: { sheet: "cards" } },
      // Each card in a cell of the sheet's direction: the cut lines are the cells' edges, drawn
      // the same whatever the direction of the card inside.
      h("div", { class: "card-grid" }, cards.slice(at, at + CARDS_PER_SHEET).map((card) => h("div", { class: "card-cell" }, card)))));
  }
  return sheets;
}
