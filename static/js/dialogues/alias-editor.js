// Other spellings of a person's name (`aliases` of a `person` document, docs/dialogue-content.md):
// set in the invitation form, edited later in the People tab by whoever may write the dialogue's
// documents. Saving posts a new version of the person document (`replaces` the current one); the
// summary's anonymiser looks for every spelling like the name itself.

import { _, numberFormat } from "../i18n.js";
import { splitAliases } from "../export/anonymise/model.js";
import { writeMeta } from "./crypto-state.js";
import { displayLocale } from "./time.js";
import { $, announce, h, onSubmit } from "./ui.js";

/** The aliases of a person document, as stored (strings only). */
export function aliasesOf(doc) {
  return Array.isArray(doc?.aliases) ? doc.aliases.filter((alias) => typeof alias === "string" && alias.trim()) : [];
}

/**
 * The person document with `text`'s aliases (one per line; commas separate too, as in the
 * invitation form); none left removes the field.
 * @param {any} doc
 * @param {string} text
 */
export function withAliases(doc, text) {
  const { aliases: _old, ...rest } = doc;
  const aliases = splitAliases(text);
  return aliases.length ? { ...rest, aliases } : rest;
}

/**
 * A small form for one person's other spellings, folded away under its count.
 * @param {any} ws the workspace (page-workspace.js)
 * @param {{doc: any, env: {message_id: string}}} entry the current person document
 */
export function aliasEditor(ws, entry) {
  const current = aliasesOf(entry.doc);
  const name = entry.doc.display_name || "—";
  const id = `aliases-${entry.env.message_id}`;
  const area = h("textarea", {
    id, class: "aliases", rows: 3, dir: "auto", maxlength: 1000, autocomplete: "off",
    "aria-describedby": `${id}-hint`,
  });
  area.value = current.join("\n");
  const form = h("form", { class: "alias-form" },
    h("label", { for: id, text: _("Other spellings of “%(name)s”, one per line", { name }) }),
    area,
    h("p", { class: "hint", id: `${id}-hint`, text: _("In other scripts, a nickname or an abbreviation. The summary's anonymiser looks for them like the name.") }),
    h("button", { type: "submit", class: "small", text: _("Save the spellings") }));
  onSubmit(form, $("roster-status"), async () => {
    await writeMeta(ws.state, withAliases(entry.doc, area.value), entry.env.message_id);
    await ws.refresh();
    announce(_("The other spellings of %(name)s were saved.", { name }));
  });
  const count = current.length ? ` (${numberFormat(displayLocale()).format(current.length)})` : "";
  return h("details", { class: "alias-editor", dataset: { person: entry.doc.id } },
    h("summary", {}, _("Other spellings"), count),
    form);
}
