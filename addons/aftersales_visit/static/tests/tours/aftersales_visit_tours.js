import { registry } from "@web/core/registry";

// After-sales staff, on a phone, open today's revisit, record the answers and complete it.
registry.category("web_tour.tours").add("aftersales_complete_revisit", {
    steps: () => [
        {
            content: "open today's revisit",
            trigger: ".o_kanban_record:contains('Tour Revisit Customer')",
            run: "click",
        },
        {
            content: "answer the first question",
            trigger: ".o_field_widget[name=answer_ids] .o_data_row:eq(0) td[name=score]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=answer_ids] .o_data_row:eq(0) .o_field_widget[name=score] .o_select_menu_toggler",
            run: "click",
        },
        {
            content: "satisfied (the 4th choice: 4)",
            trigger: ".o_select_menu_item:eq(3)",
            run: "click",
        },
        {
            content: "answer the second question",
            trigger: ".o_field_widget[name=answer_ids] .o_data_row:eq(1) td[name=yes_no]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=answer_ids] .o_data_row:eq(1) .o_field_widget[name=yes_no] .o_select_menu_toggler",
            run: "click",
        },
        {
            content: "yes (the first choice)",
            trigger: ".o_select_menu_item:eq(0)",
            run: "click",
        },
        {
            content: "complete",
            trigger: ".o_form_view button[name=action_complete]",
            run: "click",
        },
        {
            content: "done",
            trigger: ".o_form_view:not(:has(button[name=action_complete])) .o_form_sheet",
        },
    ],
});

// A customer, on a phone, answers a revisit from the link sent by SMS: unhappy, which opens a
// complaint.
registry.category("web_tour.tours").add("aftersales_portal_answer_revisit", {
    steps: () => [
        {
            content: "very dissatisfied (1) with the delivery",
            trigger: ".o_revisit_form .btn-check[value='1'] + label",
            run: "click",
        },
        {
            content: "not complete",
            trigger: ".o_revisit_form .btn-check[value='no'] + label",
            run: "click",
        },
        {
            content: "a remark",
            trigger: ".o_revisit_form textarea",
            run: "edit 两箱破损",
        },
        {
            content: "send the answers",
            trigger: ".o_revisit_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "thanked",
            trigger: ".o_revisit_thanks",
        },
    ],
});
