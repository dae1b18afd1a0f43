import { registry } from "@web/core/registry";

/**
 * The day before a release without a plan: the coordinator opens the file from
 * the alert, holds a SAS apartment or a floating place for the night, completes
 * the plan (hours, route) and records that the person was told.
 */
registry.category("web_tour.tours").add("siao_justice_first_night_tour", {
    steps: () => [
        {
            content: "The alert of the day before is on the file",
            trigger: ".o_form_view .o_mail_activity:contains('Sortie demain sans plan'), .o_form_view .o-mail-Activity:contains('Sortie demain sans plan')",
        },
        {
            content: "The release tab",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Sortie')",
            run: "click",
        },
        {
            content: "No plan is ready",
            trigger: ".o_form_view .badge:contains('Aucun plan prêt')",
        },
        {
            content: "Hold a SAS apartment or a floating place for the night",
            trigger: ".o_form_view button[name='action_hold_first_night_place']",
            run: "click",
        },
        {
            content: "The place held is the plan's",
            trigger: ".o_form_view .o_field_widget[name='place_name'] input:value(Appartement SAS)",
        },
        {
            content: "When the person is expected there",
            trigger: ".o_form_view .o_field_widget[name='opening_hours'] input",
            run: "edit De 17 h à 22 h, sonner à l'interphone",
        },
        {
            content: "How they get there from the prison",
            trigger: ".o_form_view .o_field_widget[name='route'] textarea",
            run: "edit Bus 15 devant la prison jusqu'à l'arrêt Gare, puis 5 minutes à pied",
        },
        {
            content: "Still to give: that the person was told",
            trigger: ".o_form_view .alert-warning:contains('Personne informée le')",
        },
        {
            content: "The SPIP told the person: recorded",
            trigger: ".o_form_view button[name='action_person_told']",
            run: "click",
        },
        {
            content: "The person knows where to sleep the first night",
            trigger: ".o_form_view .alert-success:contains('sait où dormir')",
        },
    ],
});
