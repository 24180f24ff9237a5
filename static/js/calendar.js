"use strict";
/* The date and time inputs' helpers, as Django's DateTimeShortcuts.js and
   calendar.js add them beside every input.vDateField and input.vTimeField:
   "Today" and a calendar (month by month, keyboard usable) beside a date,
   "Now" and a clock (Now, Midnight, 6 a.m., Noon, 6 p.m.) beside a time,
   and a note when the browser's clock is in another time zone than the
   server's (body's data-admin-utc-offset, in seconds east of UTC). "Today"
   and "Now" are the server's, since the form reads what is typed in the
   server's zone. Without this script the inputs take typed text alone. */
(function () {
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];
  const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  const HOURS = [["Now", -1], ["Midnight", 0], ["6 a.m.", 6], ["Noon", 12], ["6 p.m.", 18]];
  const SVG = "http://www.w3.org/2000/svg";
  const ICONS = {
    date: "M3 2h1V1h2v1h4V1h2v1h1a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zm0 4v7h10V6zm2 2h2v2H5zm4 0h2v2H9z",
    time: "M8 1a7 7 0 1 1 0 14A7 7 0 0 1 8 1zm0 2a5 5 0 1 0 0 10A5 5 0 0 0 8 3zm-.75 1.5h1.5v3.2l2.1 2.1-1.06 1.06-2.54-2.54z"
  };

  const serial = {calendar: 0, clock: 0}; // numbered per kind, as Django's boxes are
  let open = null; // the box on show: {box, toggle, input}

  // skew is how far the browser's zone is ahead of the server's, in seconds.
  function skew() {
    const server = document.body.dataset.adminUtcOffset;
    if (server === undefined || server === "" || isNaN(Number(server))) {
      return 0;
    }
    return new Date().getTimezoneOffset() * -60 - Number(server);
  }

  // serverNow is a Date whose local fields show the server's clock.
  function serverNow() {
    return new Date(Date.now() - skew() * 1000);
  }

  function pad(n, width) {
    return String(n).padStart(width || 2, "0");
  }

  function formatDate(d) {
    return pad(d.getFullYear(), 4) + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function formatTime(d) {
    return pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }

  // shownDate is the day an input holds, when it holds one in the form's
  // own format; null otherwise.
  function shownDate(input) {
    const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(input.value.trim());
    if (!m) {
      return null;
    }
    const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    return d.getMonth() === Number(m[2]) - 1 ? d : null;
  }

  function sameDay(a, b) {
    return a && b && a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  }

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      e.setAttribute(k, v);
    }
    if (text !== undefined) {
      e.textContent = text;
    }
    return e;
  }

  function button(text, cls, onClick) {
    const b = el("button", {type: "button", class: cls}, text);
    b.addEventListener("click", onClick);
    return b;
  }

  function icon(kind) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", kind + "-icon");
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", ICONS[kind]);
    svg.appendChild(path);
    return svg;
  }

  function setValue(input, value) {
    input.value = value;
    input.dispatchEvent(new Event("change", {bubbles: true}));
  }

  function close(returnFocus) {
    if (!open) {
      return;
    }
    const {box, toggle} = open;
    open = null;
    box.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    if (returnFocus) {
      toggle.focus();
    }
  }

  // place puts the open box under its input, inside the window. The box
  // is fixed to the window, not to the form, whose rows clip what
  // overflows them; it follows the input when the page scrolls.
  function place() {
    if (!open) {
      return;
    }
    const {box, input} = open;
    const r = input.getBoundingClientRect();
    const left = Math.max(8, Math.min(r.left, window.innerWidth - box.offsetWidth - 8));
    let top = r.bottom + 4;
    if (top + box.offsetHeight > window.innerHeight && r.top - box.offsetHeight - 4 >= 0) {
      top = r.top - box.offsetHeight - 4;
    }
    box.style.left = left + "px";
    box.style.top = top + "px";
  }

  function show(box, toggle, input, focus) {
    close(false);
    open = {box, toggle, input};
    box.hidden = false;
    toggle.setAttribute("aria-expanded", "true");
    place();
    focus();
  }

  // shortcuts puts "<quick> | <toggle>" after the input, and the box
  // (hidden) after them, in the input's parent, which anchors it.
  function shortcuts(input, quick, kind, label, box) {
    const span = el("span", {class: "datetimeshortcuts"});
    const toggle = el("button", {type: "button", class: kind === "date" ? "calendar-toggle" : "clock-toggle",
      title: label, "aria-label": label, "aria-haspopup": "dialog", "aria-expanded": "false", "aria-controls": box.id});
    toggle.appendChild(icon(kind));
    span.append(" ", quick, " | ", toggle);
    input.after(span);
    span.after(box);
    return toggle;
  }

  function addCalendar(input) {
    const num = serial.calendar++;
    const box = el("div", {class: "calendarbox module", id: "calendarbox" + num, role: "dialog", "aria-label": "Choose a Date"});
    box.hidden = true;
    let month = null; // the first day of the month on show
    let focusDay = null; // the day that takes the focus in the grid

    const choose = (d) => {
      setValue(input, formatDate(d));
      close(false);
      input.focus();
    };
    const relative = (days) => () => {
      const d = serverNow();
      d.setDate(d.getDate() + days);
      choose(d);
    };

    const caption = el("h2", {id: "calendarin" + num + "-caption", "aria-live": "polite"});
    const nav = el("div", {class: "calendarnav"});
    nav.append(
      button("‹", "calendarnav-previous", () => move(-1, "month")),
      caption,
      button("›", "calendarnav-next", () => move(1, "month")));
    nav.firstChild.setAttribute("aria-label", "Previous");
    nav.lastChild.setAttribute("aria-label", "Next");
    const grid = el("table", {class: "calendar", id: "calendarin" + num, "aria-labelledby": caption.id});
    const quick = el("div", {class: "calendar-shortcuts"});
    quick.append(button("Yesterday", "", relative(-1)), " | ", button("Today", "", relative(0)), " | ", button("Tomorrow", "", relative(1)));
    const cancel = el("p", {class: "calendar-cancel"});
    cancel.appendChild(button("Cancel", "", () => close(true)));
    box.append(nav, grid, quick, cancel);

    function draw() {
      month = new Date(focusDay.getFullYear(), focusDay.getMonth(), 1);
      caption.textContent = MONTHS[month.getMonth()] + " " + month.getFullYear();
      grid.replaceChildren();
      const head = el("tr");
      for (const day of DAYS) {
        const th = el("th", {scope: "col", abbr: day});
        th.appendChild(el("span", {"aria-hidden": "true"}, day[0]));
        th.appendChild(el("span", {class: "visually-hidden"}, day));
        head.appendChild(th);
      }
      grid.appendChild(el("thead")).appendChild(head);
      const body = grid.appendChild(el("tbody"));
      const today = serverNow();
      const selected = shownDate(input);
      const days = new Date(month.getFullYear(), month.getMonth() + 1, 0).getDate();
      let row = body.appendChild(el("tr"));
      for (let i = 0; i < month.getDay(); i++) {
        row.appendChild(el("td", {class: "nonday"}));
      }
      for (let n = 1; n <= days; n++) {
        if (row.children.length === 7) {
          row = body.appendChild(el("tr"));
        }
        const d = new Date(month.getFullYear(), month.getMonth(), n);
        const td = row.appendChild(el("td"));
        const b = button(String(n), "", () => choose(d));
        b.dataset.day = String(n);
        b.tabIndex = sameDay(d, focusDay) ? 0 : -1;
        if (sameDay(d, today)) {
          td.classList.add("today");
          b.setAttribute("aria-current", "date");
        }
        if (sameDay(d, selected)) {
          td.classList.add("selected");
          b.setAttribute("aria-pressed", "true");
        }
        td.appendChild(b);
      }
      while (row.children.length < 7) {
        row.appendChild(el("td", {class: "nonday"}));
      }
    }

    function focusGrid() {
      const b = grid.querySelector('button[tabindex="0"]');
      if (b) {
        b.focus();
      }
    }

    // move shifts the focused day by days, or by months keeping the day
    // of the month where the month has it.
    function move(n, unit, keepFocus) {
      const d = new Date(focusDay);
      if (unit === "month") {
        const wanted = d.getDate();
        d.setDate(1);
        d.setMonth(d.getMonth() + n);
        d.setDate(Math.min(wanted, new Date(d.getFullYear(), d.getMonth() + 1, 0).getDate()));
      } else {
        d.setDate(d.getDate() + n);
      }
      focusDay = d;
      draw();
      if (keepFocus) {
        focusGrid();
      }
    }

    // The day focused (by Tab or a click) is where the arrows start from,
    // and the one Tab comes back to.
    grid.addEventListener("focusin", (e) => {
      const day = e.target.dataset && e.target.dataset.day;
      if (!day) {
        return;
      }
      focusDay = new Date(month.getFullYear(), month.getMonth(), Number(day));
      for (const b of grid.querySelectorAll("button[data-day]")) {
        b.tabIndex = b === e.target ? 0 : -1;
      }
    });
    grid.addEventListener("keydown", (e) => {
      const keys = {ArrowLeft: [-1, "day"], ArrowRight: [1, "day"], ArrowUp: [-7, "day"], ArrowDown: [7, "day"],
        PageUp: [-1, "month"], PageDown: [1, "month"]};
      if (e.key === "Home" || e.key === "End") {
        const toward = e.key === "Home" ? -focusDay.getDay() : 6 - focusDay.getDay();
        move(toward, "day", true);
      } else if (keys[e.key]) {
        move(keys[e.key][0], keys[e.key][1], true);
      } else {
        return;
      }
      e.preventDefault();
    });

    const today = button("Today", "", relative(0));
    const toggle = shortcuts(input, today, "date", "Choose a Date", box);
    toggle.addEventListener("click", () => {
      if (open && open.box === box) {
        close(true);
        return;
      }
      focusDay = shownDate(input) || serverNow();
      draw();
      show(box, toggle, input, focusGrid);
    });
  }

  function addClock(input) {
    const num = serial.clock++;
    const box = el("div", {class: "clockbox module", id: "clockbox" + num, role: "dialog", "aria-labelledby": "clockbox" + num + "-title"});
    box.hidden = true;
    box.appendChild(el("h2", {id: "clockbox" + num + "-title"}, "Choose a time"));
    const list = box.appendChild(el("ul", {class: "timelist"}));
    const set = (hour) => () => {
      const d = hour < 0 ? serverNow() : new Date(1970, 0, 1, hour, 0, 0);
      setValue(input, formatTime(d));
      close(false);
      input.focus();
    };
    for (const [label, hour] of HOURS) {
      list.appendChild(el("li")).appendChild(button(label, "", set(hour)));
    }
    const cancel = box.appendChild(el("p", {class: "calendar-cancel"}));
    cancel.appendChild(button("Cancel", "", () => close(true)));

    const toggle = shortcuts(input, button("Now", "", set(-1)), "time", "Choose a Time", box);
    toggle.addEventListener("click", () => {
      if (open && open.box === box) {
        close(true);
        return;
      }
      show(box, toggle, input, () => list.querySelector("button").focus());
    });
  }

  // addTimezoneWarning notes, once under each pair of inputs, how far the
  // browser's clock is from the server's, in Django's words.
  function addTimezoneWarning(input) {
    const seconds = skew();
    const parent = input.parentNode;
    if (!seconds || parent.querySelector(".timezonewarning")) {
      return;
    }
    const hours = Math.abs(seconds) / 3600;
    const message = "Note: You are " + hours + (hours === 1 ? " hour " : " hours ") +
      (seconds > 0 ? "ahead of" : "behind") + " server time.";
    const id = input.id || "";
    const field = input.closest("p.datetime") ? id.slice(0, id.lastIndexOf("_")) : id;
    const note = el("span", {class: "timezonewarning", id: field + "_timezone_warning_helptext"}, message);
    parent.append(el("br"), note);
    for (const each of parent.querySelectorAll("input.vDateField, input.vTimeField")) {
      const described = (each.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      described.push(note.id);
      each.setAttribute("aria-describedby", described.join(" "));
    }
  }

  function init(root) {
    for (const input of root.querySelectorAll('input[type="text"].vDateField, input[type="text"].vTimeField')) {
      if (input.dataset.shortcuts) {
        continue;
      }
      input.dataset.shortcuts = "1";
      if (input.classList.contains("vDateField")) {
        addCalendar(input);
      } else {
        addClock(input);
      }
      addTimezoneWarning(input);
    }
  }

  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && open) {
      e.preventDefault();
      close(true);
    }
  });
  document.addEventListener("click", (e) => {
    if (open && !open.box.contains(e.target) && !open.toggle.contains(e.target)) {
      close(false);
    }
  });
  window.addEventListener("scroll", place, {passive: true, capture: true});
  window.addEventListener("resize", place);
  // A row an inline formset adds may hold dates too.
  document.addEventListener("formset:added", (e) => init(e.target));
  init(document);
})();
