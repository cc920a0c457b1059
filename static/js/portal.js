// Small progressive enhancements; every page works without them.

// A select that acts as soon as a choice is made. A pointer choice acts at
// once; from the keyboard the arrow keys only move through the options and
// Enter acts, so the first arrow press never reloads the page or sends the
// user elsewhere (WCAG 3.2.2, "on input").
window.spbeOnChoice = (select, act) => {
  let keyed = false;
  select.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      act();
    } else if (event.key !== "Tab" && event.key !== "Shift") {
      keyed = true;
    }
  });
  select.addEventListener("pointerdown", () => {
    keyed = false;
  });
  select.addEventListener("blur", () => {
    keyed = false;
  });
  select.addEventListener("change", () => {
    if (!keyed) act();
  });
};

// A table box that scrolls sideways (a wide table on a phone) must be reachable
// by keyboard, or its hidden columns are out of reach (WCAG 2.1.1); it is named
// after its table's caption. Boxes that fit get no extra tab stop.
const spbeScrollBoxes = () => {
  document.querySelectorAll(".table-responsive").forEach((box) => {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      const caption = box.querySelector("caption");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      if (caption) box.setAttribute("aria-label", caption.textContent.trim());
    } else if (!scrolls && box.getAttribute("tabindex") === "0") {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  });
};

document.addEventListener("DOMContentLoaded", () => {
  spbeScrollBoxes();
  window.addEventListener("resize", spbeScrollBoxes);
  document.addEventListener("htmx:afterSettle", spbeScrollBoxes);
  document.querySelectorAll("[data-autofocus]").forEach((el) => el.focus());
  // Not the native autofocus attribute in swapped fragments: Chromium applies
  // it a frame later, taking the focus back from wherever the user has since
  // moved it. Focus once, when htmx has settled the new content.
  document.addEventListener("htmx:afterSettle", (event) => {
    const root = event.target;
    const el = root.matches("[data-autofocus]") ? root : root.querySelector("[data-autofocus]");
    if (el) el.focus();
  });
  // Inline handlers are forbidden by the Content-Security-Policy.
  document.querySelectorAll("[data-submit-on-change]").forEach((el) => {
    window.spbeOnChoice(el, () => el.form.submit());
  });
});

// htmx fragments: an expired session or a failed request must not leave the
// user with a login form inside a table, or with nothing at all. Say what
// happened above the content instead (the texts come translated from <body>).
(() => {
  const notice = (text, link) => {
    const main = document.getElementById("main");
    if (!main) return;
    let box = document.getElementById("fragment-notice");
    if (!box) {
      box = document.createElement("div");
      box.id = "fragment-notice";
      box.className = "alert alert-warning";
      box.setAttribute("role", "alert");
      main.prepend(box);
    }
    box.textContent = text + " ";
    if (link) {
      const a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.text;
      box.append(a);
    }
  };
  document.addEventListener("htmx:beforeSwap", (event) => {
    const body = document.body.dataset;
    const loginUrl = body.loginUrl;
    const landed = event.detail.xhr.responseURL || "";
    if (loginUrl && landed.includes(loginUrl)) {
      event.detail.shouldSwap = false;
      const next = encodeURIComponent(window.location.pathname + window.location.search);
      notice(body.msgSessionEnded, { href: `${loginUrl}?next=${next}`, text: body.msgSignIn });
    }
  });
  document.addEventListener("htmx:responseError", () => {
    notice(document.body.dataset.msgRequestFailed);
  });
  document.addEventListener("htmx:sendError", () => {
    notice(document.body.dataset.msgRequestFailed);
  });
})();
