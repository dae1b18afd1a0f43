import { registry } from "@web/core/registry";

function inDays(days) {
    // The day ``days`` from today in the browser's zone (the association's), as
    // the date picker writes it.
    const day = new Date();
    day.setDate(day.getDate() + days);
    const pad = (number) => String(number).padStart(2, "0");
    return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

function setDate(selector, value) {
    // A date field of the form, filled as the browser's date picker fills it.
    return {
        content: `Give the date ${value}`,
        trigger: selector,
        run() {
            const input = document.querySelector(selector);
            input.value = value;
            input.dispatchEvent(new Event("change", { bubbles: true }));
        },
    };
}

registry.category("web_tour.tours").add("siao_justice_portal_referral_tour", {
    steps: () => [
        {
            content: "The officer's persons, from the portal",
            trigger: ".o_siao_portal_refer",
            run: "click",
        },
        {
            content: "The liaison form: the person's identity",
            trigger: "form.o_siao_portal_referral #last_name",
            run: "edit Tourdepart",
        },
        {
            trigger: "#first_name",
            run: "edit Malik",
        },
        setDate("#birthdate", "1991-05-17"),
        {
            content: "The establishment",
            trigger: "#prison_id",
            run: "selectByLabel Maison d'arrêt de test",
        },
        {
            trigger: "#prison_number",
            run: "edit 68T777",
        },
        setDate("#expected_release_date", inDays(90)),
        {
            trigger: "#needs",
            run: "edit Logement accessible, suivi addictologie",
        },
        setDate("#consent_date", inDays(-6)),
        {
            content: "Send the referral",
            trigger: ".o_siao_portal_referral_submit",
            run: "click",
        },
        {
            content: "The referral is received; the SIAO confirms it before the list shows it",
            trigger: ".o_siao_portal_referral_sent",
            run() {
                if (document.body.textContent.includes("TOURDEPART")) {
                    throw new Error("A referral is listed before the SIAO confirmed it");
                }
            },
        },
    ],
});

registry.category("web_tour.tours").add("siao_justice_portal_exchange_tour", {
    steps: () => [
        {
            content: "The confirmed referral is on the officer's list",
            trigger: ".o_siao_portal_person a:contains('TOURDEPART Malik')",
            run: "click",
        },
        {
            content: "Write to the referent worker",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit Bonjour, la CAP examine un aménagement de peine le 15 : où en est la demande ?",
        },
        {
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The message is in the exchange",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains('la CAP examine un aménagement')",
        },
        {
            content: "No attestation before a solution",
            trigger: ".o_siao_portal_no_attestation",
        },
    ],
});

registry.category("web_tour.tours").add("siao_justice_portal_attestation_tour", {
    steps: () => [
        {
            content: "The referent's answer is on the person's page",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains('Place admise au CHRS')",
        },
        {
            content: "Download the attestation for the judge",
            trigger: "a.o_siao_portal_attestation",
            async run() {
                const link = document.querySelector("a.o_siao_portal_attestation");
                const response = await fetch(link.href);
                const type = response.headers.get("Content-Type") || "";
                const body = await response.text();
                // A PDF; the report's HTML on a server run with its tests.
                const document_ok = type.startsWith("application/pdf")
                    ? body.startsWith("%PDF")
                    : body.includes("o_siao_housing_attestation");
                if (response.status !== 200 || !document_ok) {
                    throw new Error(`No attestation: ${response.status} ${type}`);
                }
                link.classList.add("o_siao_downloaded");
            },
        },
        {
            trigger: "a.o_siao_portal_attestation.o_siao_downloaded",
        },
    ],
});

function withinTheScreen(selector) {
    // Every element of ``selector`` shown whole, within the phone's width.
    return {
        content: `Shown whole on a phone: ${selector}`,
        trigger: selector,
        run() {
            for (const element of document.querySelectorAll(selector)) {
                const box = element.getBoundingClientRect();
                if (!box.width || box.right > window.innerWidth + 1 || box.left < -1) {
                    throw new Error(`${selector} is cut at ${window.innerWidth}px`);
                }
            }
        },
    };
}

registry.category("web_tour.tours").add("siao_justice_portal_phone_tour", {
    steps: () => [
        {
            content: "The officer's list, on a phone",
            trigger: ".o_siao_portal_person:contains('TELEPHONE')",
        },
        withinTheScreen(".o_siao_portal_release .text-nowrap"),
        withinTheScreen(".o_siao_portal_person_more"),
        {
            content: "The request's state is read under the name",
            trigger: ".o_siao_portal_person_more:contains('Demande SIAO')",
        },
    ],
});

/** The referent reads the officer's message from the file and answers it. */
registry.category("web_tour.tours").add("siao_justice_referent_answer_tour", {
    steps: () => [
        {
            content: "The officer's messages, from the person's file",
            trigger: ".o_form_view button[name='action_open_spip_exchanges']",
            run: "click",
        },
        {
            content: "The officer's question is in the exchange",
            trigger: ".o-mail-Message:contains('la CAP examine un aménagement')",
        },
        {
            content: "Answer the officer (a message, not a note)",
            trigger: ".o-mail-Chatter-sendMessage",
            run: "click",
        },
        {
            trigger: ".o-mail-Composer-input",
            run: "edit Place admise au CHRS Les Tilleuls pour la sortie.",
        },
        {
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The answer is sent",
            trigger: ".o-mail-Message:contains('Place admise au CHRS Les Tilleuls')",
        },
    ],
});

/** The officer uploads the establishment's release list on the portal. */
registry.category("web_tour.tours").add("siao_justice_portal_release_list_tour", {
    steps: () => [
        {
            content: "Upload the release list, from the officer's persons",
            trigger: "a.o_siao_portal_release_list",
            run: "click",
        },
        {
            content: "Choose the establishment's list (CSV)",
            trigger: ".o_siao_portal_release_list_form input[name='upload']",
            run() {
                const release = new Date();
                release.setDate(release.getDate() + 90);
                const day = release.toLocaleDateString("fr-FR");
                const prison = "Maison d'arrêt de test";
                const rows = [
                    "Nom;Prénom;Date de naissance;Établissement;Numéro d'écrou;Date de libération prévisible",
                    `Tourliste;Karim;01/01/1980;${prison};67L123;${day}`,
                    `Tournouveau;Amina;03/03/1993;${prison};67L124;${day}`,
                ];
                const file = new File([rows.join("\n") + "\n"], "liste.csv", { type: "text/csv" });
                const transfer = new DataTransfer();
                transfer.items.add(file);
                this.anchor.files = transfer.files;
            },
        },
        {
            trigger: ".o_siao_portal_release_list_submit",
            run: "click",
        },
        {
            content: "One release date updated, one row sent to the SIAO for review",
            trigger: ".o_siao_portal_import_done .o_siao_portal_import_proposed:contains('1')",
            run() {
                const updated = document.querySelector(".o_siao_portal_import_updated").textContent;
                if (updated.trim() !== "1") {
                    throw new Error(`Release dates updated: ${updated}`);
                }
            },
        },
    ],
});
