// Confirmation before a step that is hard to undo (submitting, withdrawing).
// A submit button with data-confirm="<dialog id>" opens that <dialog> first;
// its "yes" button submits the original form with the original button, so
// the server sees exactly what it would have without the question. Without
// JavaScript the button submits directly and the server still checks all.
document.addEventListener("DOMContentLoaded", () => {
  let pending = null;  // {form, button} waiting for an answer

  document.addEventListener("submit", (event) => {
    const button = event.submitter;
    const dialogId = button && button.dataset.confirm;
    if (!dialogId) return;
    const form = event.target;
    if (form.dataset.confirmed === "1") {
      delete form.dataset.confirmed;
      return;
    }
    const dialog = document.getElementById(dialogId);
    if (!dialog || typeof dialog.showModal !== "function") return;
    event.preventDefault();
    pending = { form, button };
    dialog.showModal();
  });

  document.querySelectorAll("dialog[data-confirm-dialog]").forEach((dialog) => {
    dialog.querySelector("[data-confirm-yes]").addEventListener("click", () => {
      const chosen = pending;
      pending = null;
      dialog.close();
      if (!chosen) return;
      chosen.form.dataset.confirmed = "1";
      chosen.form.requestSubmit(chosen.button);
    });
    dialog.querySelector("[data-confirm-no]").addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      // Back where the user was, whichever way the dialog was left (Esc too).
      if (pending) {
        pending.button.focus();
        pending = null;
      }
    });
  });
});
