// Swedish for Streamlit's and Plotly's own texts (issue 38). Streamlit 1.67 has no way to
// translate its widgets, so the front gate adds this script to every page it serves
// (web/gate.py) and it replaces, as the page is drawn, the English texts a user or a screen
// reader meets: text, aria-label, title, placeholder and Plotly's tooltips. Exact texts first,
// then patterns for texts with a part of the page in them ("Remove Järva"). The list is
// checked by the browser tier (tests/e2e/test_swedish_tree.py), which reads the accessibility
// tree of every page and fails on an English word outside its allow-list.
(function () {
  "use strict";
  document.documentElement.lang = "sv";

  const EXACT = {
    "Skip to main content": "Hoppa till huvudinnehållet",
    "Sidebar": "Sidofält",
    "App pages": "Sidor",
    "Main menu": "Huvudmeny",
    "Expand sidebar": "Visa sidofältet",
    "Collapse sidebar": "Dölj sidofältet",
    "Link to heading": "Länk till rubriken",
    "Open": "Öppna listan",
    "Close": "Stäng",
    "Choose an option": "Välj ett alternativ",
    "Choose options": "Välj en eller flera",
    "No results": "Inga träffar",
    "Clear all": "Rensa alla",
    "Clear": "Rensa",
    "Selected values": "Valda värden",
    "Increment": "Öka",
    "Decrement": "Minska",
    "Choose date": "Välj datum",
    "Choose a date": "Välj datum",
    "Choose date range": "Välj period",
    "Calendar": "Kalender",
    "Previous month": "Föregående månad",
    "Next month": "Nästa månad",
    "Previous year": "Föregående år",
    "Next year": "Nästa år",
    "Period start date": "Periodens början",
    "Period end date": "Periodens slut",
    "Start date": "Startdatum",
    "End date": "Slutdatum",
    "yyyy": "åååå",
    "YYYY": "ÅÅÅÅ",
    "Upload": "Ladda upp",
    "file upload": "filuppladdning",
    "Browse files": "Välj fil",
    "Drag and drop file here": "Dra och släpp filen här",
    "Drag and drop files here": "Dra och släpp filerna här",
    "Drag and drop a file here": "Dra och släpp filen här",
    "Delete": "Ta bort",
    "Remove file": "Ta bort filen",
    "Show/hide columns": "Visa eller dölj kolumner",
    "Search": "Sök",
    "Fullscreen": "Helskärm",
    "Exit fullscreen": "Lämna helskärm",
    "Close fullscreen": "Lämna helskärm",
    "Download as CSV": "Ladda ner som CSV",
    "Download": "Ladda ner",
    "Sort ascending": "Sortera stigande",
    "Sort descending": "Sortera fallande",
    "Autosize": "Anpassa bredden",
    "Pin column": "Fäst kolumnen",
    "Unpin column": "Lossa kolumnen",
    "Hide column": "Dölj kolumnen",
    "Format": "Format",
    "Copy to clipboard": "Kopiera",
    "Copied to clipboard": "Kopierat",
    "Running...": "Arbetar …",
    "Stop": "Stoppa",
    "Rerun": "Kör om",
    "Always rerun": "Kör alltid om",
    "Settings": "Inställningar",
    "Print": "Skriv ut",
    "Record a screencast": "Spela in skärmen",
    "About": "Om",
    "Clear cache": "Töm cachen",
    "Clear caches": "Töm cacharna",
    "Developer options": "Utvecklaralternativ",
    "View less": "Visa mindre",
    "View more": "Visa mer",
    "Show less": "Visa mindre",
    "Show more": "Visa mer",
    "Scroll tabs left": "Bläddra flikarna åt vänster",
    "Scroll tabs right": "Bläddra flikarna åt höger",
    "Connecting": "Ansluter",
    "Connection error": "Anslutningsfel",
    "Connection timed out": "Anslutningen tog för lång tid",
    "Page not found": "Sidan finns inte",
    "The page that you have requested does not seem to exist": "Sidan finns inte",
    "Shortcut": "Kortkommando",
    "Toolbar action": "Verktyg",
    "Toolbar": "Verktygsfält",
    "Navigate to home page": "Till startsidan",
    "Press Enter to submit form": "Tryck på Enter för att skicka formuläret",
    "Press Enter to apply": "Tryck på Enter för att använda",
    "Press ⌘+Enter to apply": "Tryck på ⌘+Enter för att använda",
    "Press Ctrl+Enter to apply": "Tryck på Ctrl+Enter för att använda",
    "Show password text": "Visa lösenordet",
    "Hide password text": "Dölj lösenordet",
    // Plotly's toolbar over a chart
    "Download plot as a png": "Ladda ner diagrammet som bild (PNG)",
    "Download plot as a PNG": "Ladda ner diagrammet som bild (PNG)",
    "Download plot": "Ladda ner diagrammet",
    "Zoom": "Zooma",
    "Pan": "Panorera",
    "Box Select": "Markera med ruta",
    "Lasso Select": "Markera fritt",
    "Zoom in": "Zooma in",
    "Zoom out": "Zooma ut",
    "Autoscale": "Anpassa skalan",
    "Reset axes": "Återställ axlarna",
    "Reset view": "Återställ vyn",
    "Reset": "Återställ",
    "Toggle Spike Lines": "Visa eller dölj hjälplinjer",
    "Show closest data on hover": "Visa närmaste värde",
    "Compare data on hover": "Jämför värden",
    "Produced with Plotly.js": "Ritat med Plotly.js",
    "Double-click on legend to isolate one trace": "Dubbelklicka i förklaringen för att visa bara en serie",
    "Double-click to zoom back out": "Dubbelklicka för att zooma ut",
    "Click to enter Colorscale title": "Klicka för att skriva färgskalans rubrik",
    "Click to enter Plot title": "Klicka för att skriva diagrammets rubrik",
    "Click to enter X axis title": "Klicka för att skriva x-axelns rubrik",
    "Click to enter Y axis title": "Klicka för att skriva y-axelns rubrik",
    "Snapshot succeeded": "Bilden sparades",
    "Taking snapshot - this may take a few seconds": "Sparar bilden, det kan ta några sekunder",
    "Fullscreen chart": "Diagrammet i helskärm",
    // lists, tables, uploads (found by a reviewer's walk)
    "Select all": "Välj alla",
    "Dismiss": "Stäng",
    "Empty": "Tomt",
    "Statistics": "Statistik",
    "Copy column name": "Kopiera kolumnnamnet",
    "Dataframe column menu": "Kolumnens meny",
    "Add files": "Lägg till filer",
    "Add file": "Lägg till fil",
    // the main menu
    "Theme": "Tema",
    "Light": "Ljust",
    "Dark": "Mörkt",
    "Use system setting": "Som datorn",
    "System": "Som datorn",
    "Record screen": "Spela in skärmen",
    "Stop recording": "Sluta spela in",
    "Copy version to clipboard": "Kopiera versionsnumret",
    "Get help": "Få hjälp",
    "Report a bug": "Rapportera ett fel",
    // the calendar of a date input
    "Use arrow keys to navigate dates. Enter to select. Escape to close.":
      "Flytta mellan dagarna med piltangenterna. Enter väljer, Escape stänger.",
    "month": "månad",
    "year": "år",
    "Next": "Nästa",
    "Previous": "Föregående",
    "Today": "I dag",
  };

  const MONTHS = {
    January: "januari", February: "februari", March: "mars", April: "april", May: "maj",
    June: "juni", July: "juli", August: "augusti", September: "september",
    October: "oktober", November: "november", December: "december",
  };
  const WEEKDAYS = {
    Monday: "måndag", Tuesday: "tisdag", Wednesday: "onsdag", Thursday: "torsdag",
    Friday: "fredag", Saturday: "lördag", Sunday: "söndag",
  };
  const NAMES = Object.keys(MONTHS).join("|");
  const DAYS = Object.keys(WEEKDAYS).join("|");
  // "Tuesday, December 8, 2026" and "December 08, 2026" as Swedes write them: "tisdag
  // 8 december 2026"; every such date in a text (a calendar's week row names seven).
  const DATE = new RegExp(`(?:(${DAYS}), )?(${NAMES}) (\\d{1,2})(?:st|nd|rd|th)?,? (\\d{4})`, "g");
  const MONTH_YEAR = new RegExp(`^(${NAMES}) (\\d{4})$`);
  const dates = (text) =>
    text.replace(DATE, (_, weekday, month, day, year) =>
      `${weekday ? WEEKDAYS[weekday] + " " : ""}${Number(day)} ${MONTHS[month]} ${year}`);

  // A pattern's captured part is made Swedish too ("day, Period start date").
  const inner = (part) => swedish(part) ?? part;
  const PATTERNS = [
    [/^Remove (.+)$/, (m) => `Ta bort ${inner(m[1])}`],
    [/^Help for (.+)$/, (m) => `Hjälp om ${inner(m[1])}`],
    [/^Shortcut (.+)$/, (m) => `Kortkommando ${m[1]}`],
    [/^day, (.+)$/, (m) => `dag, ${inner(m[1])}`],
    [/^month, (.+)$/, (m) => `månad, ${inner(m[1])}`],
    [/^year, (.+)$/, (m) => `år, ${inner(m[1])}`],
    [/^Limit (.+) per file(.*)$/, (m) => `Högst ${m[1]} per fil${m[2]}`],
    [/^(\d[\d.,]*)\s?(KB|MB|GB) per file(.*)$/, (m) => `Högst ${m[1]} ${m[2]} per fil${m[3]}`],
    [/^Press (.+) to submit form$/, (m) => `Tryck på ${m[1]} för att skicka formuläret`],
    [/^Press (.+) to apply$/, (m) => `Tryck på ${m[1]} för att använda`],
    [/^(.+) \(required\)$/, (m) => `${inner(m[1])} (obligatoriskt)`],
    [/^(\d+) options? available\.?$/, (m) => `${m[1]} alternativ att välja bland.`],
    [/^No options? available\.?$/, () => "Inga alternativ att välja bland."],
    [/^option (.+), selected\.?$/, (m) => `${m[1]}, vald.`],
    [/^You have requested page (.+), but no corresponding file was found in the app's pages\/ directory\. Running the app's main page\.$/,
      (m) => `Sidan ${m[1]} finns inte. Startsidan visas i stället.`],
    [/^The page that you have requested does not seem to exist\. Running the app's main page\.$/,
      () => "Sidan finns inte. Startsidan visas i stället."],
    [/^Error: (.+) files are not allowed\.$/, (m) => `Fel: filer av typen ${m[1]} går inte att ladda upp.`],
    [/^(\d+) – (January|February|March|April|May|June|July|August|September|October|November|December)$/,
      (m) => `${m[1]} – ${MONTHS[m[2]]}`],
    [/^Made with Streamlit (.*)$/, (m) => `Byggd med Streamlit ${m[1]}`],
    [/^Selected Date: (.+)$/, (m) => `Valt datum: ${dates(m[1])}`],
    [/^Today, (.+?)( selected)?$/, (m) => `I dag, ${dates(m[1])}${m[2] ? ", vald" : ""}`],
    [/^Choose date, (.+)$/, (m) => `Välj datum, ${inner(m[1])}`],
    [/^Choose (.+)\. It's available\.$/, (m) => `Välj ${dates(m[1])}.`],
    [/^Choose (.+)\. It's not available\.$/, (m) => `${dates(m[1])} går inte att välja.`],
    [MONTH_YEAR, (m) => `${MONTHS[m[1]]} ${m[2]}`],
    [new RegExp(`^(${NAMES})$`), (m) => MONTHS[m[1]]],
    [DATE, (m, key) => dates(key)],
  ];

  function swedish(text) {
    if (!text) return null;
    const key = text.replace(/\s+/g, " ").trim();
    if (!key || !/[A-Za-z]/.test(key)) return null;
    if (Object.prototype.hasOwnProperty.call(EXACT, key)) {
      const found = EXACT[key];
      return found === key ? null : text.replace(text.trim(), found);
    }
    for (const [pattern, make] of PATTERNS) {
      pattern.lastIndex = 0;
      const m = key.match(pattern);
      if (m) {
        const out = make(m, key);
        return out === key ? null : out;
      }
    }
    return null;
  }

  const ATTRIBUTES = ["aria-label", "title", "placeholder", "data-title", "aria-placeholder",
    "aria-roledescription", "alt", "aria-valuetext"];

  function element(el) {
    for (const name of ATTRIBUTES) {
      const value = el.getAttribute(name);
      if (value) {
        const out = swedish(value);
        if (out !== null) el.setAttribute(name, out);
      }
    }
  }

  function text(node) {
    const out = swedish(node.data);
    if (out !== null) node.data = out;
  }

  function walk(root) {
    if (root.nodeType === Node.TEXT_NODE) {
      text(root);
      return;
    }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    element(root);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) text(node);
      else element(node);
    }
  }

  // Streamlit leaves a collapsed sidebar's links and lists in the Tab order: a keyboard user
  // on Mötesläge (which closes it) tabbed through 22 invisible stops. A closed sidebar is
  // made inert (out of the Tab order and the accessibility tree) until it is opened again.
  function sidebar() {
    const bar = document.querySelector('[data-testid="stSidebar"]');
    if (!bar) return;
    const closed = bar.getAttribute("data-collapsed") === "true";
    if (closed !== bar.inert) bar.inert = closed;
  }

  function start() {
    walk(document.body);
    sidebar();
    new MutationObserver(sidebar).observe(document.body, {
      subtree: true, childList: true, attributes: true, attributeFilter: ["data-collapsed"],
    });
    new MutationObserver((mutations) => {
      for (const m of mutations) {
        if (m.type === "childList") m.addedNodes.forEach(walk);
        else if (m.type === "characterData") text(m.target);
        else if (m.type === "attributes") element(m.target);
      }
    }).observe(document.body, {
      subtree: true, childList: true, characterData: true, attributes: true,
      attributeFilter: ATTRIBUTES,
    });
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
