// Registration fields (templates/partials/forms.html, macro registration): while someone types in the search
// box, the radio buttons below it become the registrations that fit, from /register/kiezen (JSON, at most 20
// and one more to say there are more), so the page does not carry the whole register. The chosen one stays,
// at the top, when a new search does not find it. Progressive: without JavaScript the server finds the
// registrations when the form is sent.
(function () {
  "use strict";
  if (window.aiRegisterPick || !window.fetch) {
    return;
  }
  window.aiRegisterPick = true;
  var SHOWN = 20;

  function radio(name, value, text) {
    var id = name + "-" + (value || "geen");
    var row = document.createElement("div");
    row.className = "utrecht-form-field utrecht-form-field--radio";
    var input = document.createElement("input");
    input.className = "utrecht-radio-button utrecht-radio-button--html-input";
    input.type = "radio";
    input.id = id;
    input.name = name;
    input.value = value;
    input.setAttribute("data-gevonden", "");
    var label = document.createElement("label");
    label.className = "utrecht-form-label utrecht-form-label--radio";
    label.htmlFor = id;
    label.textContent = text;
    row.appendChild(input);
    row.appendChild(label);
    return row;
  }

  function show(field, typed, found) {
    var name = field.getAttribute("data-kies-veld");
    var box = document.getElementById(name + "-keuzes");
    var status = document.getElementById(name + "-status");
    var checked = box.querySelector("input:checked");
    var keep = checked && checked.value ? checked.parentNode : null;
    var none = document.getElementById(name + "-geen");
    var rows = document.createDocumentFragment();
    if (none) {
      rows.appendChild(none.parentNode);
    }
    var more = found.length > SHOWN;
    found.slice(0, SHOWN).forEach(function (c) {
      if (keep && c.value === checked.value) {
        return;
      }
      rows.appendChild(radio(name, c.value, c.label));
    });
    if (keep) {
      // The one chosen stays, first, even when this search did not find it.
      if (!found.some(function (c) { return c.value === checked.value; })) {
        checked.removeAttribute("data-gevonden");
      } else {
        checked.setAttribute("data-gevonden", "");
      }
      rows.insertBefore(keep, none ? none.parentNode.nextSibling : rows.firstChild);
    }
    box.textContent = "";
    box.appendChild(rows);
    var n = Math.min(found.length, SHOWN);
    status.textContent =
      n === 0
        ? "Geen registratie gevonden met „" + typed + "” in de naam."
        : more
          ? "Meer dan " + SHOWN + " registraties gevonden: typ meer van de naam."
          : n === 1
            ? "1 registratie gevonden."
            : n + " registraties gevonden.";
  }

  var timer = null;
  var asked = 0;

  function search(field) {
    var typed = field.value.trim();
    var mine = ++asked;
    if (typed.length < 2) {
      return;
    }
    var url = field.getAttribute("data-kies");
    fetch(url + "&q=" + encodeURIComponent(typed), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (found) {
        // An answer to an earlier keystroke that arrives late is not shown.
        if (found && mine === asked) {
          show(field, typed, found);
        }
      })
      .catch(function () {});
  }

  document.addEventListener("input", function (e) {
    if (!e.target.hasAttribute || !e.target.hasAttribute("data-kies")) {
      return;
    }
    var field = e.target;
    clearTimeout(timer);
    timer = setTimeout(function () {
      search(field);
    }, 150);
  });

  // Enter in the search box chooses the only registration found instead of sending the form.
  document.addEventListener("keydown", function (e) {
    var field = e.target;
    if (e.key !== "Enter" || !field.hasAttribute || !field.hasAttribute("data-kies")) {
      return;
    }
    e.preventDefault();
    var name = field.getAttribute("data-kies-veld");
    var found = document.querySelectorAll("#" + name + "-keuzes input[data-gevonden]");
    var status = document.getElementById(name + "-status");
    if (found.length === 1) {
      found[0].checked = true;
      status.textContent = found[0].nextElementSibling.textContent + " gekozen.";
    } else if (found.length > 1) {
      status.textContent = "Kies een van de gevonden registraties.";
    }
  });
})();
