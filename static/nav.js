// On phones the main navigation is folded behind a "Menu" button (it took four rows above every page at 375 px).
// Progressive: without JavaScript the list stays open and wraps, as before; the button is made here and the
// list is only folded on narrow screens (the CSS under `.app-nav--folding`), so wide screens never change.
// Loaded right after the navigation without `defer`, so a phone never draws the open list and then folds it.
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
    // A real space: the button's name is "Menu Te beoordelen", not "MenuTe beoordelen".
    button.appendChild(document.createTextNode(" "));
    button.appendChild(where);
  }
  nav.insertBefore(button, list);
  nav.classList.add("app-nav--folding");
  var menus = Array.prototype.slice.call(nav.querySelectorAll("details.app-nav__menu"));
  function fold(open) {
    button.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("app-nav--open", open);
    // Opened, the menu holding the page one is on shows where one is.
    var here = open && list.querySelector('details [aria-current="page"]');
    if (here) {
      here.closest("details").open = true;
    }
  }
  // One menu open at a time (two dropped over the page on top of each other), and a click elsewhere closes it.
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (menu.open) {
        menus.forEach(function (other) {
          if (other !== menu) {
            other.open = false;
          }
        });
      }
    });
  });
  document.addEventListener("click", function (e) {
    menus.forEach(function (menu) {
      if (menu.open && !menu.contains(e.target) && !button.contains(e.target)) {
        menu.open = false;
      }
    });
  });
  button.addEventListener("click", function () {
    fold(button.getAttribute("aria-expanded") !== "true");
  });
  // Escape inside the open list folds it and puts the focus back on the button (as a disclosure menu does).
  nav.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") {
      return;
    }
    // Escape in an open menu closes that menu first, back on its label.
    var menu = e.target.closest && e.target.closest("details[open]");
    if (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    } else if (button.getAttribute("aria-expanded") === "true" && getComputedStyle(button).display !== "none") {
      fold(false);
      button.focus();
    }
  });
})();
