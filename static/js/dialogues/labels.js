// Translated names of the codes used in dialogue documents, and the explanations shown when a
// dialogue or an item cannot be read. Each msgid is a literal so `pybabel extract` finds it.

import { _, languageName, pgettext } from "../i18n.js";

const pick = (table, code) => (Object.hasOwn(table, code) ? table[code] : String(code ?? ""));

export function roleLabel(code) {
  return pick(
    {
      convener: pgettext("team role", "Convener"),
      facilitator: pgettext("team role", "Facilitator"),
      interpreter: pgettext("team role", "Interpreter"),
      rapporteur: pgettext("team role", "Rapporteur"),
      participant: pgettext("team role", "Participant"),
      observer: pgettext("team role", "Observer"),
    },
    code,
  );
}

export function phaseLabel(code) {
  return pick(
    {
      opening: _("Opening"),
      perspectives: _("Perspectives"),
      joint_analysis: _("Joint analysis"),
      solutions: _("Solutions"),
      closing: _("Closing"),
      caucus: _("Caucus"),
      break: _("Break"),
    },
    code,
  );
}

export function ruleLabel(code) {
  return pick(
    {
      on_record: _("On the record"),
      chatham_house: _("Chatham House rule"),
      off_record: _("Off the record"),
      no_notes: _("No notes"),
    },
    code,
  );
}

/** What a confidentiality rule asks of the people in the room, in a sentence ("" if unknown). */
export function ruleExplanation(rule) {
  return {
    on_record: _("On the record: what is said may be quoted and attributed."),
    chatham_house: _("Chatham House rule: what is said may be used, but not attributed to anyone."),
    off_record: _("Off the record: nothing said now may be quoted or used outside this room."),
    no_notes: _("No notes: please do not take notes during this item."),
  }[rule] ?? "";
}

export function trackLabel(code) {
  return pick({ "1.5": _("Track 1.5"), II: _("Track II"), III: _("Track III") }, code);
}

export function mediatorTypeLabel(code) {
  return pick(
    {
      outsider_neutral: _("Outsider-neutral"),
      insider_partial: _("Insider-partial"),
      international: _("International"),
    },
    code,
  );
}

export function attendanceLabel(code) {
  return pick({ in_room: _("In the room"), remote: _("Remote") }, code);
}

export { languageName };

/** One note's kind, as offered when writing a note. */
export function noteKindLabel(code) {
  return pick(
    {
      point: pgettext("note kind", "Point"),
      idea: pgettext("note kind", "Idea"),
      proposal: pgettext("note kind", "Proposal"),
      agreement: pgettext("note kind", "Agreement"),
      disagreement: pgettext("note kind", "Disagreement"),
      question: pgettext("note kind", "Question"),
      action: pgettext("note kind", "Action"),
    },
    code,
  );
}

/** The heading of a group of notes of one kind (the same words as the command-line export). */
export function noteKindHeading(code) {
  return pick(
    {
      point: _("Points made"),
      idea: _("Ideas"),
      proposal: _("Proposals"),
      agreement: _("Agreements"),
      disagreement: _("Disagreements"),
      question: _("Open questions"),
      action: _("Action points"),
    },
    code,
  );
}

function chainReason(reason) {
  return pick(
    {
      empty: _("The server sent no key history for this dialogue."),
      malformed: _("A key record sent by the server is malformed."),
      roster_malformed: _("A key record sent by the server is malformed."),
      roster_mismatch: _("A key record's list of members is not the list it was signed for."),
      not_genesis: _("The key history does not start where the dialogue was created."),
      dialogue: _("A key record belongs to another dialogue."),
      prev_hash: _("The key history was altered or reordered: a record does not follow the one before it."),
      epoch: _("The key history skips or repeats a step."),
      creator: _("A key record was made by someone outside the dialogue."),
      signature: _("A key record is not signed by the key steward this device trusts."),
      self: _("The newest key record does not include this device."),
      withheld: _("The server is holding back the newest key record."),
      rollback: _("The server shows an older key history than this device has already seen."),
      fork: _("The server shows a different key history from the one this device has already seen."),
    },
    reason,
  );
}

/** Why the dialogue is refused, for people. `error` is a StateError or an ApiError. */
export function explain(error) {
  if (error?.name === "ApiError") return error.userMessage;
  switch (error?.reason) {
    case "chain":
      return chainReason(error.detail.reason);
    case "no_keys":
      return _("This device holds no key for this dialogue.");
    case "key_mismatch":
      return _("The server lists a different key for you than the one on this device.");
    case "anchor_unknown":
      return _("The key steward named in your invitation (%(fingerprint)s) does not hold this dialogue's keys.", {
        fingerprint: error.detail.fingerprint,
      });
    case "anchor_missing":
      return _("No key steward could be found for this dialogue.");
    case "no_current_key":
      return _("This device could not open the dialogue's current key.");
    case "archive_key":
      return _("The archive key document was not signed by a convener, so nothing is given to that key. A convener must register the archive key again.");
    case "archive_key_steward":
      return _("Only a convener whose device holds a key steward key can name the archive key.");
    default:
      return _("Something went wrong on this device.");
  }
}

/** A message for any error met while acting: explained when known, else its own message. */
export function describe(error) {
  if (error?.name === "ApiError" || error?.name === "StateError") return explain(error);
  return error?.message || _("Something went wrong on this device.");
}

/** Why one envelope is shown as an error instead of its content. */
export function envelopeError(code) {
  return pick(
    {
      misplaced: _("An item was filed in the wrong place and was not opened."),
      no_key: _("An item is sealed with a key this device does not hold."),
      author: _("An item was written by someone who may not edit this dialogue; it was not shown."),
      unreadable: _("An item did not open: it was altered, or sealed for someone else."),
      malformed: _("An item opened but is not a valid document."),
    },
    code,
  );
}
