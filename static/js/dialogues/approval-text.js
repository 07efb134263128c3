// The anonymised summary sent for approval as plain text: what an interpreter translates, with
// the same headings as the Markdown export, without the manifest.

/**
 * @param {any} summary the anonymised summary (summary-export.js buildSummary, after review)
 * @param {(kind: string) => string} heading a note kind's heading in the reader's language
 * @returns {string}
 */
export function summaryText(summary, heading) {
  const lines = [String(summary?.dialogue?.title ?? ""), ""];
  if (summary?.free_text) lines.push(String(summary.free_text), "");
  for (const session of summary?.sessions ?? []) {
    lines.push(`${session.title}${session.day ? ` (${session.day})` : ""}`, "");
    for (const item of session.items ?? []) {
      lines.push(String(item.title ?? ""));
      const kinds = [...new Set((item.notes ?? []).map((note) => note.kind))];
      for (const kind of kinds) {
        lines.push(`${heading(kind)}:`);
        for (const note of item.notes.filter((n) => n.kind === kind)) lines.push(`- ${note.text}`);
      }
      lines.push("");
    }
  }
  return lines.join("\n").trim();
}
