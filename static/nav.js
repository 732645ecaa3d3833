// On phones the main navigation is folded behind a "Menu" button (it took four rows above every page at 375 px).
// Progressive: without JavaScript the list stays open and wraps, as before; the button is made here and the
// list is only folded on narrow screens (the CSS under `.app-nav--folding`), so wide screens never change.
(function () {
  "use strict";
  var nav = document.querySelector(".app-nav");
  var list = nav && nav.querySelector(".utrecht-nav-list");
  if (!list) {
    return;
  }
  list.id = list.id || "hoofdmenu-lijst";
  var button = document.createElement("button");
  button.type = "button";
  button.className = "utrecht-button utrecht-button--subtle app-nav__menu-button";
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", list.id);
  button.textContent = "Menu";
  // Which page one is on, without opening the menu.
  var current = list.querySelector('[aria-current="page"]') || list.querySelector('[aria-current="true"]');
  if (current) {
    var where = document.createElement("span");
    where.className = "app-nav__where";
    where.textContent = current.textContent.trim();
    button.appendChild(where);
  }
  nav.insertBefore(button, list);
  nav.classList.add("app-nav--folding");
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("app-nav--open", open);
  });
})();
