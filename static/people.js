// The person fields of the registration form (input[list=medewerkers]): while someone types, the shared
// datalist gets the members that fit, from /medewerkers/zoeken (JSON, at most 20), so the page does not carry
// every member of the organisation. Where several people may be chosen (RASCI R, S, C, I), a person picked
// from the list becomes a ticked box and the field is empty for the next one. Progressive: without
// JavaScript a full name or e-mail address typed in the field is found when the form is saved.
(function () {
  "use strict";
  var list = document.getElementById("medewerkers");
  if (!list || !window.fetch) {
    return;
  }
  var url = list.getAttribute("data-zoek");
  var status = document.getElementById("medewerkers-status");
  var timer = null;
  var asked = 0;
  // The field the suggestions were asked for: another field starts with an empty list.
  var filledFor = null;
  var justFocused = null;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function isPersonField(el) {
    return el && el.tagName === "INPUT" && el.getAttribute("list") === "medewerkers";
  }

  function fill(found) {
    var options = document.createDocumentFragment();
    found.forEach(function (p) {
      var o = document.createElement("option");
      o.value = p.value;
      if (p.label) {
        o.label = p.label;
      }
      options.appendChild(o);
    });
    list.textContent = "";
    list.appendChild(options);
  }

  function suggest(input) {
    var typed = input.value.trim();
    var mine = ++asked;
    if (typed.length < 2) {
      return;
    }
    fetch(url + "?q=" + encodeURIComponent(typed), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (found) {
        // An answer to an earlier keystroke that arrives late is not shown.
        if (found && mine === asked) {
          fill(found);
          filledFor = input;
        }
      })
      .catch(function () {});
  }

  function suggested(value) {
    for (var i = 0; i < list.options.length; i++) {
      if (list.options[i].value === value) {
        return true;
      }
    }
    return false;
  }

  // A person picked where several may be chosen joins the ticked boxes above the field.
  function add(input) {
    var value = input.value.trim();
    var box = document.querySelector('[data-people="' + input.getAttribute("data-people-add") + '"]');
    if (!box || !suggested(value)) {
      return;
    }
    var taken = box.querySelectorAll("input[type=checkbox]");
    for (var i = 0; i < taken.length; i++) {
      if (taken[i].nextElementSibling && taken[i].nextElementSibling.textContent === value) {
        taken[i].checked = true;
        input.value = "";
        say(value + " staat er al.");
        return;
      }
    }
    if (box.tagName !== "FIELDSET") {
      var fieldset = document.createElement("fieldset");
      fieldset.className = "utrecht-form-fieldset app-people";
      fieldset.setAttribute("data-people", box.getAttribute("data-people"));
      var legend = document.createElement("legend");
      legend.className = "utrecht-form-fieldset__legend utrecht-form-label";
      legend.textContent = "Gekozen medewerkers (vink uit om te verwijderen)";
      fieldset.appendChild(legend);
      box.parentNode.replaceChild(fieldset, box);
      box = fieldset;
    }
    var id = input.id + "-" + (taken.length + 1) + "-" + Date.now();
    var row = document.createElement("div");
    row.className = "utrecht-form-field utrecht-form-field--checkbox";
    var check = document.createElement("input");
    check.className = "utrecht-checkbox utrecht-checkbox--html-input";
    check.type = "checkbox";
    check.id = id;
    check.name = input.name;
    check.value = value;
    check.checked = true;
    var label = document.createElement("label");
    label.className = "utrecht-form-label utrecht-form-label--checkbox";
    label.htmlFor = id;
    label.textContent = value;
    row.appendChild(check);
    row.appendChild(label);
    box.appendChild(row);
    input.value = "";
    say(value + " toegevoegd. Typ een volgende naam, of sla op.");
  }

  // The one suggestion that starts with what was typed (case does not count), if there is exactly one.
  function onlyFit(typed) {
    var t = typed.toLowerCase();
    var fit = null;
    for (var i = 0; i < list.options.length; i++) {
      var v = list.options[i].value;
      if (v.toLowerCase().indexOf(t) === 0 || v.toLowerCase().indexOf(" " + t) > 0) {
        if (fit !== null) {
          return null;
        }
        fit = v;
      }
    }
    return fit;
  }

  document.addEventListener("focusin", function (e) {
    if (isPersonField(e.target) && filledFor !== e.target) {
      list.textContent = "";
      filledFor = null;
    }
    // A field that already names someone (a prefilled owner) has its text selected, so typing replaces it.
    if (isPersonField(e.target) && e.target.value) {
      e.target.select();
    }
  });

  // A click that focuses such a field would put the caret in the text and undo the selection on mouseup; a
  // click in a field that already has the focus places the caret as usual.
  document.addEventListener("mousedown", function (e) {
    justFocused = isPersonField(e.target) && document.activeElement !== e.target ? e.target : null;
  });
  document.addEventListener("mouseup", function (e) {
    if (justFocused && e.target === justFocused) {
      e.preventDefault();
    }
    justFocused = null;
  });

  // Enter in a field that adds people adds the person typed instead of saving the whole step.
  document.addEventListener("keydown", function (e) {
    var input = e.target;
    if (e.key !== "Enter" || !isPersonField(input) || !input.hasAttribute("data-people-add")) {
      return;
    }
    var typed = input.value.trim();
    if (!typed) {
      return;
    }
    e.preventDefault();
    var fit = suggested(typed) ? typed : onlyFit(typed);
    if (fit) {
      input.value = fit;
      add(input);
    } else {
      say("Kies een naam uit de lijst, of typ meer van de naam of het e-mailadres.");
    }
  });

  document.addEventListener("input", function (e) {
    var input = e.target;
    if (!isPersonField(input)) {
      return;
    }
    // An answer still on its way belongs to the text before this keystroke (or pick): it is not shown.
    asked++;
    // Picking from the list replaces the text: a chosen person, nothing to look up.
    if (input.hasAttribute("data-people-add") && suggested(input.value.trim())) {
      add(input);
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(function () {
      suggest(input);
    }, 150);
  });
})();
