// The admin's colour theme (Django 4.2's auto / light / dark), kept in
// localStorage "theme". Loaded in <head>, not deferred: the theme goes on
// <html> as data-theme before anything is drawn, so a dark page never
// flashes white. "auto" follows the system's prefers-color-scheme (the
// stylesheet's media query); without JavaScript, auto is all there is.
"use strict";
{
    const themes = ["auto", "light", "dark"];
    const root = document.documentElement;

    function stored() {
        try {
            const theme = localStorage.getItem("theme");
            return themes.includes(theme) ? theme : "auto";
        } catch {
            return "auto"; // storage disabled: the system decides
        }
    }

    function apply(theme) {
        root.dataset.theme = theme;
        try {
            localStorage.setItem("theme", theme);
        } catch {
            // Storage disabled: the choice lasts this page only.
        }
    }

    // Each press changes what the page looks like, as Django's does: from
    // auto, the opposite of the system's scheme comes first.
    function next(theme) {
        const prefersDark = window.matchMedia("(prefers-color-scheme: dark)").matches;
        const order = prefersDark ? ["auto", "light", "dark"] : ["auto", "dark", "light"];
        return order[(order.indexOf(theme) + 1) % order.length];
    }

    root.dataset.theme = stored();

    document.addEventListener("DOMContentLoaded", function () {
        for (const button of document.querySelectorAll(".theme-toggle")) {
            button.addEventListener("click", function () {
                apply(next(root.dataset.theme));
            });
        }
    });

    // Another tab's choice applies here too.
    window.addEventListener("storage", function (event) {
        if (event.key === "theme") {
            root.dataset.theme = stored();
        }
    });
}
