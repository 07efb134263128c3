// Sections of a page as tabs, each with its own address (WAI-ARIA tabs pattern).
//
// The template gives a role="tablist" of <a role="tab" href="#name" aria-controls="panel-id">
// and the role="tabpanel" elements they control. The address is the state: a tab is shown by
// pushing its fragment to the history, so reload, back, forward and a link to `#name` all open
// that section; a link to the id of an element inside a panel opens the panel and scrolls to it.
// One tab is in the page's tab sequence (roving tabindex); arrow keys move and select in the order
// the tabs are laid out, so in a right-to-left page ArrowLeft goes to the next one.

/** @typedef {HTMLAnchorElement} Tab */

/** The fragment of the address, without "#", decoded. */
function fragment() {
  try {
    return decodeURIComponent(window.location.hash.slice(1));
  } catch {
    return "";
  }
}

export class Tabs {
  /** @param {HTMLElement} tablist */
  constructor(tablist) {
    this.tablist = tablist;
    /** @type {Tab[]} */
    this.tabs = [...tablist.querySelectorAll('[role="tab"]')].map((tab) => /** @type {Tab} */ (tab));
    this.started = false;
  }

  /** The section's name: its fragment. */
  static nameOf(tab) {
    return tab.hash.slice(1);
  }

  panelOf(tab) {
    return document.getElementById(tab.getAttribute("aria-controls") ?? "");
  }

  /** The tabs on offer, in document order (which is also their visual order). */
  offered() {
    return this.tabs.filter((tab) => !tab.hidden);
  }

  /** Follows the address from now on, and shows what it names. */
  start() {
    this.started = true;
    this.tablist.addEventListener("click", (event) => this.onClick(event));
    this.tablist.addEventListener("keydown", (event) => this.onKey(event));
    const follow = () => this.follow();
    window.addEventListener("popstate", follow);
    window.addEventListener("hashchange", follow);
    this.follow();
  }

  /**
   * Offers a tab or withdraws it (a role with nothing in it does not see it). A withdrawn tab that
   * was shown gives way to the one the address names, else the first.
   */
  offer(name, shown) {
    const tab = this.tabs.find((t) => Tabs.nameOf(t) === name);
    if (!tab || tab.hidden === !shown) return;
    tab.hidden = !shown;
    if (this.started) this.follow();
  }

  /** Shows the section the address names: a tab's name, or an element inside a panel. */
  follow() {
    const wanted = fragment();
    const offered = this.offered();
    let tab = offered.find((t) => Tabs.nameOf(t) === wanted);
    let target = null;
    if (!tab && wanted) {
      target = document.getElementById(wanted);
      const panel = target?.closest('[role="tabpanel"]');
      tab = panel ? offered.find((t) => this.panelOf(t) === panel) : undefined;
      if (!tab) target = null;
    }
    this.show(tab ?? offered[0]);
    target?.scrollIntoView({ block: "start" });
  }

  /** Selects `tab`, shows its panel and hides the others. */
  show(tab) {
    if (!tab) return;
    let lostFocus = false;
    for (const each of this.tabs) {
      const selected = each === tab;
      each.setAttribute("aria-selected", String(selected));
      each.tabIndex = selected ? 0 : -1;
      const panel = this.panelOf(each);
      if (!panel) continue;
      if (!selected && panel.contains(document.activeElement)) lostFocus = true;
      panel.hidden = !selected;
    }
    // Focus inside a panel that went away (back or forward) lands on the tab shown instead.
    if (lostFocus) tab.focus();
  }

  /** A person chose `tab`: its address goes into the history, then it is shown. */
  choose(tab, focus = false) {
    if (tab.hash !== window.location.hash) window.history.pushState(null, "", tab.hash);
    this.show(tab);
    if (focus) tab.focus();
  }

  onClick(event) {
    const tab = event.target instanceof Element ? event.target.closest('[role="tab"]') : null;
    if (!tab || !this.tabs.includes(/** @type {Tab} */ (tab))) return;
    // A new window or tab, or a download, is the browser's to open.
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    this.choose(/** @type {Tab} */ (tab), true);
  }

  onKey(event) {
    const offered = this.offered();
    const at = offered.indexOf(/** @type {Tab} */ (document.activeElement));
    if (at < 0 || event.altKey || event.ctrlKey || event.metaKey) return;
    const rtl = getComputedStyle(this.tablist).direction === "rtl";
    const step = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 }[event.key];
    let next = null;
    if (step) next = offered[(at + step + offered.length) % offered.length];
    else if (event.key === "Home") next = offered[0];
    else if (event.key === "End") next = offered[offered.length - 1];
    else if (event.key === " ") next = offered[at]; // a link does not follow Space by itself
    if (!next) return;
    event.preventDefault();
    this.choose(next, true);
  }
}
