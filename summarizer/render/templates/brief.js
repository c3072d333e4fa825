(function () {
  "use strict";
  // A citation [n] opens source n in the panel and highlights the quote it cites (data-q).
  // Without this script the same link jumps to the source in the Sources list, text shown.
  // A link to a section or entry inside a folded Evidence section opens the fold first.
  function reveal(id) {
    var el = id ? document.getElementById(id) : null;
    for (; el; el = el.parentElement) {
      if (el.tagName === "DETAILS" && el.classList.contains("fold")) { el.open = true; }
    }
  }
  function revealHash() {
    try { reveal(decodeURIComponent(location.hash.slice(1))); } catch (e) { /* a malformed hash opens nothing */ }
  }
  window.addEventListener("hashchange", revealHash);
  revealHash();

  var panel = document.getElementById("panel");
  if (!panel) { return; }
  var meta = panel.querySelector(".panel-meta");
  var body = panel.querySelector(".panel-body");
  var title = panel.querySelector(".panel-title");
  var status = panel.querySelector(".panel-status");
  var active = null;
  var opener = null;

  function show(ref, key, link) {
    var source = document.getElementById("src-" + ref);
    if (!source || !/^\d+$/.test(ref)) { return false; }
    meta.textContent = "";
    body.textContent = "";
    var head = source.querySelector(".source-meta");
    var text = source.querySelector(".source-text");
    if (head) { meta.appendChild(head.cloneNode(true)); }
    if (text) { body.appendChild(text.cloneNode(true)); }
    title.textContent = "Source [" + ref + "]";
    status.textContent = "";
    status.className = "panel-status";
    var marks = [];
    if (key && /^q\d+-\d+-\d+$/.test(key)) {
      marks = body.querySelectorAll('.q[data-q~="' + key + '"]');
      for (var j = 0; j < marks.length; j++) { marks[j].classList.add("hl"); }
      if (!marks.length) {
        status.textContent = "The quote could not be located in this text.";
        status.className = "panel-status warn";
      } else {
        status.textContent = "The cited quote is highlighted.";
      }
    }
    if (active) { active.classList.remove("active"); }
    active = link || null;
    if (active) { active.classList.add("active"); }
    opener = link || opener;
    panel.hidden = false;
    document.body.classList.add("panel-open");
    body.scrollTop = 0;
    if (marks.length) { marks[0].scrollIntoView({ block: "center", inline: "nearest" }); }
    panel.focus({ preventScroll: true });
    return true;
  }

  function hide() {
    panel.hidden = true;
    document.body.classList.remove("panel-open");
    if (active) { active.classList.remove("active"); active = null; }
    if (opener && opener.focus) { opener.focus({ preventScroll: true }); }
  }

  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest("a.cite") : null;
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    if (show(link.getAttribute("data-src") || "", link.getAttribute("data-q") || "", link)) {
      event.preventDefault();
    }
  });
  panel.querySelector(".panel-close").addEventListener("click", hide);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) { hide(); }
  });

  // Printing: every folded quote is printed, and folded back afterwards.
  var unfolded = [];
  window.addEventListener("beforeprint", function () {
    var closed = document.querySelectorAll("details.evidence:not([open]), details.fold:not([open])");
    for (var i = 0; i < closed.length; i++) { closed[i].open = true; unfolded.push(closed[i]); }
  });
  window.addEventListener("afterprint", function () {
    while (unfolded.length) { unfolded.pop().open = false; }
  });
})();
