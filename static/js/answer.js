// Answer page: highlight the chosen level's criteria, and keep a copy of the
// typed answer in this browser so an expired session cannot lose it.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("answer-form");
  if (!form) return;

  const radios = form.querySelectorAll('input[name="level"]');
  const highlight = () => {
    form.querySelectorAll(".criteria-level").forEach((item) => {
      const radio = item.querySelector('input[name="level"]');
      if (radio && radio.checked) item.setAttribute("aria-current", "true");
      else item.removeAttribute("aria-current");
    });
  };
  radios.forEach((radio) => radio.addEventListener("change", highlight));
  highlight();

  const key = form.dataset.draftKey;
  const textarea = form.querySelector('textarea[name="explanation"]');
  const notice = document.getElementById("draft-restore");
  if (!key || !textarea || !window.localStorage) return;

  const chosenLevel = () => {
    const checked = form.querySelector('input[name="level"]:checked');
    return checked ? checked.value : "";
  };
  const read = () => {
    try {
      return JSON.parse(localStorage.getItem(key) || "null");
    } catch (e) {
      return null;
    }
  };
  const write = () => {
    try {
      localStorage.setItem(key, JSON.stringify({
        explanation: textarea.value, level: chosenLevel(), savedAt: Date.now(),
      }));
    } catch (e) { /* storage full or disabled: the server copy still counts */ }
  };

  const stored = read();
  if (stored && (stored.explanation !== textarea.value || (stored.level || "") !== chosenLevel())) {
    notice.classList.remove("d-none");
    notice.querySelector('[data-draft-action="restore"]').addEventListener("click", () => {
      textarea.value = stored.explanation;
      const radio = form.querySelector(`input[name="level"][value="${stored.level}"]`);
      if (radio) radio.checked = true;
      highlight();
      notice.classList.add("d-none");
      textarea.focus();
    });
    notice.querySelector('[data-draft-action="discard"]').addEventListener("click", () => {
      localStorage.removeItem(key);
      notice.classList.add("d-none");
    });
  } else if (stored) {
    // The server already holds exactly this text.
    localStorage.removeItem(key);
  }

  textarea.addEventListener("input", write);
  radios.forEach((radio) => radio.addEventListener("change", write));
});
