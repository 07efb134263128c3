// Who writes and reads a summary's drafts: the conveners and the rapporteurs (docs/export.md,
// "Drafts"). Apart from summary-drafts.js so that the notes and workspace pages can link to the
// summary page without loading its cryptography.

/** The roles that write drafts, and read them. */
export const DRAFT_WRITERS = new Set(["convener", "rapporteur"]);

/** Whether `role` writes and reads drafts. */
export const writesDrafts = (role) => DRAFT_WRITERS.has(role);
