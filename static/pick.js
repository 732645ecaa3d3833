// Registration fields (templates/partials/forms.html, macro registration): while someone types in the search
// box, the radio buttons below it become the registrations that fit, from /register/kiezen (JSON, at most 20
// and one more to say there are more), so the page does not carry the whole register. The ticked one stays,
// first, when a new search does not find it (the server refuses it if it does not fit the text sent with it).
// Progressive: without JavaScript the field's "Zoeken" button asks the server for the same list.
(function () {
  "use strict";
  if (window.aiRegisterPick || !window.fetch) {
    return;
  }
  window.aiRegisterPick = true;
  var SHOWN = 20;
  var NONE = "geen";

  function parts(field) {
    var name = field.getAttribute("data-kies-veld");
    return {
      name: name,
      box: document.getElementById(name + "-keuzes"),
      status: document.getElementById(name + "-status"),
      none: document.getElementById(name + "-geen"),
    };
  }

  function radio(name, value, text) {
    var id = name + "-" + value;
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

  // The list for `typed`: the "none" choice, the ticked one (found or not), then what was found.
  function show(field, typed, found) {
    var p = parts(field);
    var checked = p.box.querySelector("input:checked");
    var keep = checked && checked.value !== NONE ? checked : null;
    var rows = document.createDocumentFragment();
    if (p.none) {
      rows.appendChild(p.none.parentNode);
    }
    if (keep) {
      var again = found.slice(0, SHOWN).some(function (c) {
        return c.value === keep.value;
      });
      if (again) {
        keep.setAttribute("data-gevonden", "");
      } else {
        keep.removeAttribute("data-gevonden");
      }
      rows.appendChild(keep.parentNode);
    }
    found.slice(0, SHOWN).forEach(function (c) {
      if (!keep || c.value !== keep.value) {
        rows.appendChild(radio(p.name, c.value, c.label));
      }
    });
    p.box.textContent = "";
    p.box.appendChild(rows);
    p.box.setAttribute("data-gezocht", typed);
    var n = Math.min(found.length, SHOWN);
    var said =
      n === 0
        ? "Geen registratie gevonden met „" + typed + "” in de naam. " + (field.getAttribute("data-kies-weggelaten") || "")
        : found.length > SHOWN
          ? "Meer dan " + SHOWN + " registraties gevonden: typ een groter deel van de naam."
          : n === 1
            ? "1 registratie gevonden."
            : n + " registraties gevonden.";
    // The ticked one that this search did not find is shown first; say so, so the count adds up.
    if (keep && !keep.hasAttribute("data-gevonden")) {
      said += " Uw eerdere keuze staat er bovenaan bij.";
    }
    p.status.textContent = said;
  }

  // The only registration the shown list found, if the list belongs to the text now in the box.
  function onlyFound(field) {
    var p = parts(field);
    if (p.box.getAttribute("data-gezocht") !== field.value.trim()) {
      return null;
    }
    var found = p.box.querySelectorAll("input[data-gevonden]");
    return found.length === 1 ? found[0] : null;
  }

  function choose(field) {
    var p = parts(field);
    var one = onlyFound(field);
    if (one) {
      one.checked = true;
      p.status.textContent = one.nextElementSibling.textContent + " gekozen.";
    } else {
      p.status.textContent = "Kies een van de gevonden registraties.";
    }
  }

  var timer = null;
  var asked = 0;

  function search(field, then) {
    var typed = field.value.trim();
    var mine = ++asked;
    if (typed.length < 2) {
      // Too short to search: the old list no longer belongs to the text.
      show(field, typed, []);
      parts(field).status.textContent = typed ? "Typ minstens twee letters." : "";
      return;
    }
    fetch(field.getAttribute("data-kies") + "&q=" + encodeURIComponent(typed), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (r) {
        if (!r.ok) {
          throw new Error(r.status);
        }
        return r.json();
      })
      .then(function (found) {
        // An answer to an earlier keystroke that arrives late is not shown.
        if (mine === asked) {
          show(field, typed, found);
          if (then) {
            then();
          }
        }
      })
      .catch(function () {
        if (mine === asked) {
          parts(field).status.textContent =
            "Zoeken lukt nu niet. Probeer het opnieuw, of gebruik de knop Zoeken.";
          document.querySelectorAll("[data-kies-zoeken]").forEach(function (b) {
            b.style.display = "";
          });
        }
      });
  }

  // The live list makes the field's own "Zoeken" button unnecessary (it comes back if searching fails).
  document.querySelectorAll("[data-kies-zoeken]").forEach(function (b) {
    b.style.display = "none";
  });

  document.addEventListener("input", function (e) {
    if (!e.target.hasAttribute || !e.target.hasAttribute("data-kies")) {
      return;
    }
    var field = e.target;
    // An answer still on its way belongs to the text before this keystroke: it is not shown (lookup.js).
    asked++;
    clearTimeout(timer);
    timer = setTimeout(function () {
      search(field);
    }, 150);
  });

  // Enter in the search box chooses the only registration found instead of sending the form; if the list is
  // not yet the one for the text (still typing, pasted), it searches first.
  document.addEventListener("keydown", function (e) {
    var field = e.target;
    if (e.key !== "Enter" || !field.hasAttribute || !field.hasAttribute("data-kies")) {
      return;
    }
    e.preventDefault();
    if (parts(field).box.getAttribute("data-gezocht") === field.value.trim()) {
      choose(field);
    } else {
      clearTimeout(timer);
      search(field, function () {
        choose(field);
      });
    }
  });
})();
