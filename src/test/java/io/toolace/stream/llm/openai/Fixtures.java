package io.toolace.stream.llm.openai;

import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.records.Agent;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiGenerationInput;
import io.toolace.stream.records.ContextNode;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.FunctionCall;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.Lineage;
import io.toolace.stream.records.NodeLevel;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.records.SeedKind;
import io.toolace.stream.records.ToolResult;
import io.toolace.stream.records.Turn;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Realistic inputs and model answers for the openai backend's tests. */
final class Fixtures {

    static final String API_KEY = "sk-test-9f8e7d6c5b4a";

    static final SeedDocument PAYMENTS_MANUAL = SeedDocument.newBuilder()
            .setId("seed-payments-manual")
            .setTitle("Acme Pay Merchant Manual")
            .setKind(SeedKind.MARKDOWN)
            .setSource("docs/acme-pay.md")
            .setText("""
                    # Acme Pay Merchant Manual

                    Acme Pay lets online shops accept card and bank payments in 40 currencies.

                    ## Payments
                    Charge a customer's card or bank account. Payments are captured immediately
                    or authorised first and captured within 7 days.
                    - POST /v1/payments: create a payment for an amount and currency
                    - POST /v1/payments/{id}/capture: capture an authorised payment
                    - GET /v1/payments: list payments, filtered by status and date

                    ## Refunds
                    Return money to the customer, in full or in part, within 180 days.
                    - POST /v1/refunds: refund a payment
                    - GET /v1/refunds/{id}: get the status of a refund

                    ## Payouts
                    Settled funds are paid out to your bank account every business day.
                    """)
            .build();

    /** A clean speciation answer, with a duplicate, a nameless entry and an empty sub-domain to drop. */
    static final String SPECIATION_ANSWER = """
            {"domain": "Finance",
             "description": "Moving money between customers, merchants and banks.",
             "subdomains": [
               {"name": "Payments", "description": "Charging customers by card or bank transfer.",
                "functionalities": [
                  {"name": "create a payment", "description": "Charges an amount in a currency to a card or bank account and returns the payment."},
                  {"name": "capture an authorised payment", "description": "Captures a payment authorised earlier, within 7 days."},
                  {"name": "list payments", "description": "Lists payments filtered by status and creation date."},
                  {"name": "Create a Payment!", "description": "Duplicate of the first, differently written."},
                  {"name": "  ", "description": "A functionality without a name."}
                ]},
               {"name": "Refunds", "description": "Returning money to customers.",
                "functionalities": [
                  {"name": "refund a payment", "description": "Refunds a payment in full or in part within 180 days."},
                  {"name": "get refund status", "description": "Returns the status of one refund."}
                ]},
               {"name": "Payouts", "description": "Paying settled funds to the merchant.", "functionalities": []}
             ]}""";

    /** Node ids the speciation answer must give, in order. */
    static final List<String> SPECIATION_IDS = List.of(
            "finance",
            "finance/payments",
            "finance/payments/create a payment",
            "finance/payments/capture an authorised payment",
            "finance/payments/list payments",
            "finance/refunds",
            "finance/refunds/refund a payment",
            "finance/refunds/get refund status");

    /** A clean API answer with nested parameters and constraints, as a capable model writes one. */
    static final String API_ANSWER = """
            {
              "name": "create_split_payment",
              "description": "Creates a card payment whose amount is split between several merchant accounts, and returns the payment with its transfers.",
              "parameters": {
                "type": "object",
                "properties": {
                  "amount": {"type": "integer", "description": "Amount in the smallest currency unit, e.g. cents.", "minimum": 50, "maximum": 99999999},
                  "currency": {"type": "string", "description": "Three-letter ISO 4217 currency code, lower case.", "pattern": "^[a-z]{3}$"},
                  "capture_method": {"type": "string", "description": "Capture now or authorise only.", "enum": ["automatic", "manual"]},
                  "splits": {
                    "type": "array",
                    "description": "How the amount is shared between accounts.",
                    "items": {
                      "type": "object",
                      "properties": {
                        "account_id": {"type": "string", "description": "Receiving merchant account, e.g. acct_1A2b3C.", "pattern": "^acct_[A-Za-z0-9]+$"},
                        "share": {"type": "number", "description": "Fraction of the amount, between 0 and 1.", "minimum": 0, "maximum": 1}
                      },
                      "required": ["account_id", "share"]
                    }
                  },
                  "billing": {
                    "type": "object",
                    "description": "The payer's billing details.",
                    "properties": {
                      "email": {"type": "string", "description": "Receipt address.", "format": "email"},
                      "address": {"type": "object", "description": "Postal address.", "properties": {
                        "country": {"type": "string", "description": "ISO 3166-1 alpha-2 code.", "pattern": "^[A-Z]{2}$"},
                        "postal_code": {"type": "string", "description": "Postal code."}}}
                    }
                  }
                },
                "required": ["amount", "currency", "splits"]
              },
              "response": {
                "type": "object",
                "properties": {
                  "payment_id": {"type": "string", "description": "Identifier of the payment."},
                  "status": {"type": "string", "description": "succeeded, requires_capture or failed."},
                  "transfers": {"type": "array", "description": "One transfer per split.", "items": {"type": "object", "properties": {
                    "account_id": {"type": "string", "description": "Receiving account."},
                    "amount": {"type": "integer", "description": "Amount transferred, in cents."}}}}
                }
              }
            }""";

    static final ContextNode FINANCE = node("finance", null, NodeLevel.DOMAIN, "Finance",
            "Moving money between customers, merchants and banks.", List.of("Finance"));
    static final ContextNode PAYMENTS = node("finance/payments", "finance", NodeLevel.SUBDOMAIN, "Payments",
            "Charging customers by card or bank transfer.", List.of("Finance", "Payments"));
    static final ContextNode CREATE_PAYMENT = node("finance/payments/create a payment", "finance/payments",
            NodeLevel.FUNCTIONALITY, "create a payment", "Charges an amount in a currency to a card or bank account.",
            List.of("Finance", "Payments", "create a payment"));
    static final ContextNode CAPTURE_PAYMENT = node("finance/payments/capture an authorised payment",
            "finance/payments", NodeLevel.FUNCTIONALITY, "capture an authorised payment",
            "Captures a payment authorised earlier, within 7 days.",
            List.of("Finance", "Payments", "capture an authorised payment"));

    static final ApiDefinition EXAMPLE = ApiDefinition.newBuilder()
            .setId("example-api-id")
            .setName("refund_payment")
            .setDescription("Refunds a payment in full or in part.")
            .setDomain("Finance")
            .setSubdomain("Refunds")
            .setFunctionalities(List.of("finance/refunds/refund a payment"))
            .setParameters("{\"type\":\"object\",\"properties\":{\"payment_id\":{\"type\":\"string\","
                    + "\"description\":\"Payment to refund.\"},\"amount\":{\"type\":\"integer\","
                    + "\"description\":\"Amount in cents; the full amount when left out.\"}},\"required\":[\"payment_id\"]}")
            .setResponse("{\"type\":\"object\",\"properties\":{\"refund_id\":{\"type\":\"string\","
                    + "\"description\":\"Identifier of the refund.\"}}}")
            .setGeneration(0)
            .setLineage(Lineage.newBuilder().setSeedIds(List.of("seed-payments-manual")).build())
            .build();

    static ApiGenerationInput generationInput(final ApiDefinition example, final List<String> diversity) {
        return ApiGenerationInput.newBuilder()
                .setSubtree(List.of(FINANCE, PAYMENTS, CREATE_PAYMENT, CAPTURE_PAYMENT))
                .setExample(example)
                .setDiversity(diversity)
                .setGeneration(example == null ? 0 : 1)
                .build();
    }

    // ---- a dependent refund dialog -------------------------------------------------------------

    static final ApiDefinition FIND_PAYMENT = tool("find_payment",
            "Finds a customer's most recent payment by the email address it was made with.",
            "{\"type\":\"object\",\"properties\":{\"customer_email\":{\"type\":\"string\",\"format\":\"email\","
                    + "\"description\":\"The payer's email address.\"},\"status\":{\"type\":\"string\","
                    + "\"enum\":[\"succeeded\",\"refunded\"],\"description\":\"Only payments in this status.\"}},"
                    + "\"required\":[\"customer_email\"]}",
            "{\"type\":\"object\",\"properties\":{\"payment_id\":{\"type\":\"string\"},\"amount\":{\"type\":\"integer\","
                    + "\"description\":\"In cents.\"},\"currency\":{\"type\":\"string\"},\"status\":{\"type\":\"string\"}}}");
    static final ApiDefinition REFUND_PAYMENT = tool("refund_payment", "Refunds a payment in full or in part.",
            EXAMPLE.getParameters(),
            "{\"type\":\"object\",\"properties\":{\"refund_id\":{\"type\":\"string\"},\"status\":{\"type\":\"string\","
                    + "\"enum\":[\"pending\",\"succeeded\",\"failed\"]},\"amount\":{\"type\":\"integer\"}}}");

    static final Turn ASK_REFUND = new Turn(Role.USER, "Hi, it's anna@example.com. Please refund my last payment.",
            List.of(), List.of(), List.of());
    static final Turn CALL_FIND = new Turn(Role.ASSISTANT, null,
            List.of(new FunctionCall("find_payment", "{\"customer_email\":\"anna@example.com\"}")), List.of(),
            List.of("need_tool: yes", "api: find_payment", "required: customer_email <- user"));
    static final Turn FOUND = new Turn(Role.TOOL, null, List.of(), List.of(new ToolResult("find_payment",
            "{\"payment_id\":\"pay_8Kd2\",\"amount\":4999,\"currency\":\"eur\",\"status\":\"succeeded\"}")),
            List.of());
    static final Turn CALL_REFUND = new Turn(Role.ASSISTANT, null,
            List.of(new FunctionCall("refund_payment", "{\"payment_id\":\"pay_8Kd2\"}")), List.of(),
            List.of("need_tool: yes", "api: refund_payment", "required: payment_id <- result of find_payment"));
    static final Turn REFUNDED = new Turn(Role.TOOL, null, List.of(), List.of(new ToolResult("refund_payment",
            "{\"refund_id\":\"re_31Qa\",\"status\":\"pending\",\"amount\":4999}")), List.of());
    static final Turn SUMMARY = new Turn(Role.ASSISTANT,
            "I found your payment pay_8Kd2 of 49.99 EUR and refunded it in full.\nRefund re_31Qa is pending.",
            List.of(), List.of(), List.of("need_tool: no", "answer: summarise the results of refund_payment"));
    static final List<Turn> REFUND_DIALOG = List.of(ASK_REFUND, CALL_FIND, FOUND, CALL_REFUND, REFUNDED, SUMMARY);

    static final String USER_STYLE = "Write casually, like a chat with a friend. Be less literal: hint at what you need.";

    /** A dependent dialog over the two payment tools, at the given turns, next agent as the turns imply. */
    static DialogDraft draft(final DialogType type, final int targetTurns, final Agent next, final List<Turn> turns) {
        final List<ApiDefinition> tools = List.of(FIND_PAYMENT, REFUND_PAYMENT);
        return DialogDraft.newBuilder()
                .setId("d0-17")
                .setPlannerPartition(0)
                .setSeq(17)
                .setDialogType(type)
                .setTargetTurns(targetTurns)
                .setComplexity(0.62)
                .setTools(tools)
                .setSystem(ToolSamples.systemPrompt(tools))
                .setUserInstruction(USER_STYLE)
                .setTurns(turns)
                .setNext(next)
                .setStep(turns.size())
                .setLineage(Lineage.newBuilder().build())
                .build();
    }

    static Sample sample(final List<Turn> turns) {
        final List<ApiDefinition> tools = List.of(FIND_PAYMENT, REFUND_PAYMENT);
        return Sample.newBuilder()
                .setId("sample-3f9a")
                .setDialogId("d0-17")
                .setPlannerPartition(0)
                .setDialogType(DialogType.DEPENDENT)
                .setDomain("Finance")
                .setSystem(ToolSamples.systemPrompt(tools))
                .setTools(tools)
                .setTurns(turns)
                .setLineage(Lineage.newBuilder().build())
                .build();
    }

    static LlmRequest request(final AgentTask task, final Object payload, final int step, final int sampleIndex) {
        return LlmRequests.of(task, "replies", "d0-17", step, sampleIndex, "test", payload, 0);
    }

    private static ApiDefinition tool(final String name, final String description, final String parameters,
            final String response) {
        return ApiDefinition.newBuilder(EXAMPLE)
                .setId("api-" + name)
                .setName(name)
                .setDescription(description)
                .setSubdomain("Payments")
                .setParameters(parameters)
                .setResponse(response)
                .build();
    }

    static LlmRequest request(final AgentTask task, final Object payload) {
        return LlmRequests.of(task, "replies", "corr-" + task.name().toLowerCase(), 0, 0, "test", payload, 0);
    }

    private static ContextNode node(final String id, final String parentId, final NodeLevel level, final String name,
            final String description, final List<String> path) {
        return ContextNode.newBuilder()
                .setId(id)
                .setParentId(parentId)
                .setLevel(level)
                .setName(name)
                .setDescription(description)
                .setPath(path)
                .setSeedId("seed-payments-manual")
                .build();
    }

    /** A legacy completion with echoed prompt log-probabilities, in vLLM's and OpenAI's format. */
    static String echoedCompletion(final String tokenLogprobs, final int promptTokens, final int completionTokens) {
        final int n = tokenLogprobs.split(",").length;
        final List<String> tokens = Collections.nCopies(n, "\"t\"");
        return "{\"id\":\"cmpl-fake\",\"object\":\"text_completion\",\"model\":\"target-model\","
                + "\"choices\":[{\"index\":0,\"text\":\"echoed\",\"finish_reason\":\"length\","
                + "\"logprobs\":{\"tokens\":" + tokens + ",\"token_logprobs\":" + tokenLogprobs
                + ",\"top_logprobs\":null,\"text_offset\":[]}}],"
                + "\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"completion_tokens\":" + completionTokens
                + ",\"total_tokens\":" + (promptTokens + completionTokens) + "}}";
    }

    /** The echo of a prompt of {@code tokens} tokens whose mean loss is {@code loss} nats/token. */
    static String echoedCompletion(final double loss, final int tokens) {
        final List<String> logprobs = new ArrayList<>(Collections.nCopies(tokens, Double.toString(-loss)));
        logprobs.set(0, "null");
        return echoedCompletion(logprobs.toString(), tokens, 0);
    }

    private Fixtures() {}
}
