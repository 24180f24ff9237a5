// The navigation sidebar (Django 3.1+): the toggle that collapses it,
// remembered in localStorage "django.admin.navSidebarIsOpen" as Django
// keeps it, and the "Start typing to filter…" box (Django 4.0+) that hides
// the models whose names do not match. Without JavaScript the sidebar stays
// open and neither control shows.
"use strict";
{
    const key = "django.admin.navSidebarIsOpen";
    const main = document.getElementById("main");
    const toggle = document.getElementById("toggle-nav-sidebar");
    const sidebar = document.getElementById("nav-sidebar");
    const filter = document.getElementById("nav-filter");

    function remembered() {
        try {
            return localStorage.getItem(key) !== "false";
        } catch {
            return true;
        }
    }

    function setOpen(open) {
        main.classList.toggle("shifted", open);
        toggle.setAttribute("aria-expanded", String(open));
    }

    if (main && toggle && sidebar) {
        setOpen(remembered());
        toggle.hidden = false;
        toggle.addEventListener("click", function () {
            const open = !main.classList.contains("shifted");
            setOpen(open);
            try {
                localStorage.setItem(key, String(open));
            } catch {
                // Storage disabled: the sidebar opens again on the next page.
            }
        });
    }

    // The filter lasts the browser tab's session, as Django keeps it, so
    // that it still applies on the page the user picked from it.
    const filterKey = "django.admin.navSidebarFilterValue";

    if (sidebar && filter) {
        const rows = Array.from(sidebar.querySelectorAll("th[scope=row]"), function (th) {
            return {name: th.textContent.toLowerCase(), row: th.parentElement};
        });

        function narrow() {
            const wanted = filter.value.trim().toLowerCase();
            let matches = 0;
            for (const r of rows) {
                const shown = wanted === "" || r.name.includes(wanted);
                r.row.hidden = !shown;
                if (shown) {
                    matches++;
                }
            }
            filter.classList.toggle("no-results", wanted !== "" && matches === 0);
            try {
                sessionStorage.setItem(filterKey, filter.value);
            } catch {
                // Storage disabled: the filter lasts this page only.
            }
        }

        filter.hidden = false;
        filter.addEventListener("input", narrow);
        filter.addEventListener("keydown", function (event) {
            if (event.key === "Escape" && filter.value !== "") {
                filter.value = "";
                narrow();
                event.preventDefault();
            }
        });
        // A search field's own clear button, or a value the browser restored.
        filter.addEventListener("search", narrow);
        try {
            filter.value = sessionStorage.getItem(filterKey) || filter.value;
        } catch {
            // Storage disabled: nothing was kept.
        }
        narrow();
    }
}
