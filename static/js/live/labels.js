// Texts of the live room for people: the connection's state, the server's error codes (live
// payloads carry codes only: a room mixes locales), and why an entry is shown as an error.
// Every msgid is a literal so `pybabel extract` finds it.

import { _, currentLocale, ngettext, numberFormat } from "../i18n.js";

const pick = (table, code, fallback) => (Object.hasOwn(table, code) ? table[code] : fallback);

export function statusLabel(state) {
  return pick(
    {
      connecting: _("Connecting…"),
      catching_up: _("Catching up…"),
      live: _("Connected: up to date"),
      live_earlier: _("Connected, catching up on earlier messages…"),
      offline: _("Offline: reconnecting when the network is back…"),
      stopped: _("Disconnected"),
    },
    state,
    String(state),
  );
}

/** How many of this device's messages wait for the connection. */
export function waitingLabel(count) {
  return ngettext("%(num)s message waiting to send", "%(num)s messages waiting to send", count);
}

/** A refused live request (`error_occurred` code), or a local problem, for people. */
export function problemMessage(error) {
  const code = error?.code ?? "";
  if (code === "envelope_rejected") {
    return pick(
      {
        epoch: _("The dialogue's keys changed while this was being sent. It was not sent; try again."),
        author_handle: _("The server did not accept this device as the author of the message."),
        blob: _("The message was refused as malformed."),
      },
      error.params?.reason,
      _("The message was refused by the server."),
    );
  }
  return pick(
    {
      network: _("The server could not be reached. Check the connection."),
      rate_limited: _("Too many messages at once. Wait a moment and try again."),
      invalid_input: _("The message was refused as malformed."),
      dialogue_not_found: _("This dialogue does not exist or you are not a member of it."),
      not_authenticated: _("Please sign in first."),
      permission_denied: _("You are not allowed to do that."),
      duplicate_id: _("This message was already sent."),
      internal_error: _("Something went wrong on the server. Try again."),
      too_long: _("This message is too long to send. Shorten it or split it."),
      no_current_key: _("This device could not open the dialogue's current key."),
    },
    code,
    _("Something went wrong on this device."),
  );
}

/** Why a live entry is shown as an error instead of its content. */
export function entryError(code) {
  return pick(
    {
      no_key: _("A message is sealed with a key this device does not hold."),
      unreadable: _("A message did not open: it was altered, or sealed for someone else."),
      malformed: _("A message opened but is not valid."),
      bad_counter: _("A message carries invalid counters and was not shown."),
      not_in_roster: _("A message came from someone who is not in the dialogue's roster; it was not shown."),
      replay: _("A message was replayed (its counter was already used); it was not shown again."),
      not_allowed: _("A message asked for something its author's role does not allow; it was ignored."),
      unknown_type: _("A message of an unknown kind was ignored."),
      withheld: _("Something sent before this message did not reach this device: the server may have withheld it."),
      translator: _("A translation came from someone who is not an interpreter in the roster; it was not shown."),
    },
    code,
    _("A message could not be shown."),
  );
}

/** Why the room stopped, as a heading and an explanation. */
export function stopMessage(reason) {
  if (reason === "removed") {
    return [
      _("You are no longer part of this dialogue"),
      _("You were removed from this dialogue. Nothing was deleted from this device; the live room has stopped."),
    ];
  }
  if (reason === "signed_out") {
    return [_("You are signed out"), _("Your session ended. Sign in again to rejoin the live room.")];
  }
  return [_("This dialogue cannot be shown"), _("Something went wrong on this device.")];
}

function twoDigits(n) {
  return numberFormat(currentLocale(), { minimumIntegerDigits: 2, useGrouping: false }).format(n);
}

/** A duration as "m:ss" (or "h:mm:ss"), in the page's digits. */
export function formatDuration(ms) {
  const total = Math.floor(Math.max(0, ms) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const plain = numberFormat(currentLocale(), { useGrouping: false });
  if (hours) return `${plain.format(hours)}:${twoDigits(minutes)}:${twoDigits(seconds)}`;
  return `${plain.format(minutes)}:${twoDigits(seconds)}`;
}
