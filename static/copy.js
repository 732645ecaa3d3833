// "Kopieer link": a button for every element with data-copy="<id of the element whose text is copied>".
// Progressive: without JavaScript the button stays hidden and the text is selectable as it is. The result is
// said in the button's aria-live status next to it, so screen-reader users hear it too.
(function () {
  "use strict";
  function selectText(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!source || !status || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(
        function () {
          status.textContent = "Gekopieerd";
        },
        function () {
          selectText(source);
          status.textContent = "Kopiëren lukte niet. De link is geselecteerd: kopieer hem met Ctrl+C.";
        }
      );
    });
  });
})();
