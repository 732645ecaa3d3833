// The look-up on "Nieuwe AI-tool aanvragen" while the employee types: after a short pause, what the register
// says about the tool (allowed, forbidden, in review) is shown in the polite live region #opzoeken-direct,
// from /aanvragen/opzoeken (JSON). Progressive: without JavaScript the "Opzoeken" button does the same.
(function () {
  "use strict";
  var input = document.getElementById("naam");
  var live = document.getElementById("opzoeken-direct");
  if (!input || !live || !window.fetch) {
    return;
  }
  var url = live.getAttribute("data-lookup");
  var hint = document.getElementById("opzoeken-uitleg");
  // After "Opzoeken": the server's answer for the name it was sent, and the request's own name field.
  var sent = document.getElementById("opzoeken-antwoord");
  var toolName = document.getElementById("tool_name");
  // The name the two last agreed on: "Welke tool?" is kept in step with the box only while it holds that name.
  var synced = input.value.trim();
  var timer = null;
  var asked = 0;

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) {
      e.className = className;
    }
    if (text) {
      e.textContent = text;
    }
    return e;
  }

  // Conditions typed as a "- " list show as a list (as on the server's pages, web::text).
  function conditions(text) {
    var box = el("div", "", "Voorwaarden: ");
    var list = null;
    text.split(/\r?\n/).forEach(function (line) {
      var m = /^\s*[-*•]\s+(.*)$/.exec(line);
      if (m) {
        if (!list) {
          list = el("ul", "utrecht-unordered-list app-text-list");
          box.appendChild(list);
        }
        list.appendChild(el("li", "", m[1].trim()));
      } else if (line.trim()) {
        list = null;
        box.appendChild(el("span", "app-text-lines", line.trim() + " "));
      }
    });
    return box;
  }

  // The live answer emptied and no longer marked as waiting for a newer one.
  function clear() {
    live.textContent = "";
    live.classList.remove("app-lookup-live--stale");
    live.removeAttribute("aria-busy");
  }

  function show(naam, findings, earlier) {
    clear();
    // The hint to type a name first has been followed.
    if (hint) {
      hint.hidden = true;
    }
    // The employee's own earlier requests for this tool first: not a second one unawares.
    (earlier || []).forEach(function (e) {
      var box = el("div", "utrecht-alert utrecht-alert--info app-answer");
      var p = el("p", "utrecht-paragraph");
      p.appendChild(el("strong", "", e.text + " "));
      var a = el("a", "utrecht-link", "Bekijk uw aanvraag");
      a.appendChild(el("span", "app-visually-hidden", " " + e.about));
      a.href = e.href;
      p.appendChild(a);
      var message = el("div", "utrecht-alert__message");
      message.appendChild(p);
      box.appendChild(message);
      live.appendChild(box);
    });
    if (findings.length === 0) {
      // What to do next (the hint to choose Opzoeken was hidden with the first answer).
      live.appendChild(
        el("p", "utrecht-paragraph", "„" + naam + "” staat nog niet in het register. Kies Opzoeken om de tool aan te vragen."),
      );
      return;
    }
    findings.forEach(function (x) {
      var look = x.kind === "toegestaan" || x.kind === "verboden" ? x.kind : "onder_voorwaarden";
      var box = el("div", "utrecht-alert app-answer app-permission--" + look);
      var message = el("div", "utrecht-alert__message");
      var p = el("p", "utrecht-paragraph");
      p.appendChild(el("strong", "", x.name + ": "));
      p.appendChild(document.createTextNode(x.text));
      message.appendChild(p);
      if (x.conditions) {
        message.appendChild(conditions(x.conditions));
      }
      if (x.attention) {
        message.appendChild(el("p", "utrecht-paragraph", "Let op: " + x.attention));
      }
      // As on the server's answer (requests/_finding.html): an allowed tool leads to its entry in the list.
      if (x.kind === "toegestaan" && x.href) {
        var use = el("p", "utrecht-paragraph", "Gebruik de tool alleen voor deze gegevens. ");
        var link = el("a", "utrecht-link", "Bekijk " + x.name + " in Toegestane AI-tools");
        link.href = x.href;
        use.appendChild(link);
        use.appendChild(document.createTextNode("."));
        message.appendChild(use);
      }
      box.appendChild(message);
      live.appendChild(box);
    });
  }

  function lookUp() {
    var naam = input.value.trim();
    var mine = ++asked;
    if (naam.length < 2) {
      clear();
      return;
    }
    fetch(url + "?naam=" + encodeURIComponent(naam), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (answer) {
        // Only the answer to the latest name counts; a failed look-up leaves the button to do it.
        if (answer && mine === asked) {
          show(answer.naam, answer.findings, answer.earlier);
        }
      })
      .catch(function () {});
  }

  input.addEventListener("input", function () {
    // An answer still on its way is for a name no longer in the box: it must not be shown (it was, when a letter
    // came just after the pause, until the next answer arrived).
    asked++;
    var naam = input.value.trim();
    // The answer below is for the text before this keystroke: shown faded until the new one arrives.
    if (live.firstChild) {
      live.classList.add("app-lookup-live--stale");
      live.setAttribute("aria-busy", "true");
    }
    // The server's answer to an earlier "Opzoeken" is about another tool once the name differs: it goes (a
    // forbidden tool stood beside "toegestaan" for the one looked up before), and comes back with that name.
    if (sent) {
      sent.hidden = naam !== sent.getAttribute("data-naam");
    }
    // The request's "Welke tool?" follows the box as long as the employee did not change it there.
    if (toolName && toolName.value === synced) {
      toolName.value = naam;
      synced = naam;
    }
    clearTimeout(timer);
    timer = setTimeout(lookUp, 400);
  });
})();
