import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

// Add a line of "Tour Widget" to the order in the form, check its subtotal, save.
function addTourWidgetAndSave(subtotal) {
    return [
        {
            content: "add a line",
            trigger: ".o_field_x2many_list_row_add a:first",
            run: "click",
        },
        {
            trigger: ".o_data_row .o_field_widget[name=product_template_id] input, .o_data_row .o_field_widget[name=product_id] input",
            run: "edit Tour Widget",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Widget')",
            run: "click",
        },
        {
            content: "the line is priced",
            trigger: `.o_data_row .o_field_widget[name=price_subtotal]:contains('${subtotal}')`,
        },
        {
            content: "save",
            trigger: ".o_form_button_save",
            run: "click",
        },
    ];
}

// A rep claims a customer from the public pool, then logs a follow-up from a template.
tours.add("sales_pipeline_claim_and_follow_up", {
    steps: () => [
        {
            content: "search the pool",
            trigger: ".o_searchview_input",
            run: "edit Tour Pool Customer",
        },
        {
            content: "with the quick search",
            trigger: ".o_searchview_autocomplete .o-dropdown-item:first",
            run: "click",
        },
        {
            content: "open the pool customer",
            trigger: ".o_data_row:contains('Tour Pool Customer') .o_data_cell:first",
            run: "click",
        },
        {
            content: "claim it",
            trigger: ".o_form_view button[name=action_claim]",
            run: "click",
        },
        {
            content: "yes, claim it",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "it is ours now: the Claim button is gone",
            trigger: ".o_form_view:not(:has(button[name=action_claim])) .o_statusbar_buttons",
        },
        {
            content: "open the history tab",
            trigger: ".o_notebook .nav-link[name=sales_pipeline_history]",
            run: "click",
        },
        {
            content: "new follow-up",
            trigger: ".o_field_widget[name=followup_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "pick the template",
            trigger: ".modal .o_field_widget[name=template_id] input",
            run: "edit Tour Template",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Template')",
            run: "click",
        },
        {
            content: "the template filled the content",
            trigger: ".modal .o_field_widget[name=content]:contains('Tour follow-up text')",
        },
        {
            content: "keep it",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "the follow-up is in the history",
            trigger: "body:not(:has(.modal)) .o_field_widget[name=followup_ids] .o_data_row",
        },
        {
            content: "save the customer",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "saved",
            trigger: ".o_form_view:not(:has(.o_form_button_save:visible)) .o_form_sheet",
        },
    ],
});

// A rep makes a quotation from a project, adds a product and exports it to Excel.
tours.add("sales_pipeline_quote_from_project", {
    steps: () => [
        {
            content: "new quotation from the project",
            trigger: ".o_form_view button[name=action_sale_quotations_new]",
            run: "click",
        },
        {
            content: "the quotation knows its project and customer",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input:value('Tour Project Customer')",
        },
        ...addTourWidgetAndSave("100.00"),
        {
            content: "saved",
            trigger: ".o_form_view:not(:has(.o_form_button_save:visible)) .o_form_sheet",
        },
        {
            content: "export to Excel",
            trigger: ".o_form_view button[name=action_export_xlsx]",
            run: "click",
        },
        {
            // the form's buttons stay disabled until the export has answered and its download
            // has started: from here the file is attached to the quotation (checked in Python)
            content: "the export is done",
            trigger: ".o_form_view button[name=action_export_xlsx]:not([disabled])",
        },
    ],
});

// A manager approves a contract submitted by a rep.
tours.add("sales_pipeline_manager_approves", {
    steps: () => [
        {
            content: "approve",
            trigger: ".o_form_view .o_statusbar_buttons button.o_sp_approve_contract",
            run: "click",
        },
        {
            content: "with a comment",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Prices checked.",
        },
        {
            content: "confirm",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "approved: the Approve button is gone",
            trigger: ".o_form_view:not(:has(button.o_sp_approve_contract)) .o_form_sheet",
        },
    ],
});

// A rep executes an approved contract in one step (pay + deliver + invoice).
tours.add("sales_pipeline_one_step_execution", {
    steps: () => [
        {
            content: "execute",
            trigger: ".o_form_view button[name=action_open_execute_wizard]",
            run: "click",
        },
        {
            content: "the amount received",
            trigger: ".modal .o_field_widget[name=amount] input",
            run: "edit 300",
        },
        {
            content: "go",
            trigger: ".modal button[name=action_execute]",
            run: "click",
        },
        {
            content: "executed: the Execute button is gone, the order is confirmed",
            trigger: ".o_form_view:not(:has(button[name=action_open_execute_wizard])) .o_statusbar_status [data-value=sale].o_arrow_button_current",
        },
    ],
});

// A rep makes a contract directly in Contracts (no quotation first) and submits it.
tours.add("sales_pipeline_contract_direct", {
    steps: () => [
        {
            content: "new contract",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        {
            content: "the customer",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input",
            run: "edit Tour Direct Customer",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Direct Customer')",
            run: "click",
        },
        ...addTourWidgetAndSave("300.00"),
        {
            content: "submit for approval",
            trigger: ".o_form_view:not(:has(.o_form_button_save:visible)) button[name=action_submit_contract]",
            run: "click",
        },
        {
            content: "it waits for approval",
            trigger: ".o_form_view:not(:has(button[name=action_submit_contract])) .o_field_widget[name=contract_state] .badge",
        },
    ],
});

// A manager approves it from To Approve, on a phone.
tours.add("sales_pipeline_approve_from_to_approve", {
    steps: () => [
        {
            content: "the contract waits for me",
            trigger: ".o_data_row:contains('Tour Direct Customer'), .o_kanban_record:contains('Tour Direct Customer')",
        },
        {
            content: "approve it",
            trigger: "button.o_sp_approve:visible",
            run: "click",
        },
        {
            content: "nothing waits any more",
            trigger: ".o_view_nocontent",
        },
    ],
});
