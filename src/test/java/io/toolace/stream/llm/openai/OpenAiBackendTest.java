package io.toolace.stream.llm.openai;

import static io.toolace.stream.llm.openai.Fixtures.API_ANSWER;
import static io.toolace.stream.llm.openai.Fixtures.API_KEY;
import static io.toolace.stream.llm.openai.Fixtures.EXAMPLE;
import static io.toolace.stream.llm.openai.Fixtures.PAYMENTS_MANUAL;
import static io.toolace.stream.llm.openai.Fixtures.SPECIATION_ANSWER;
import static io.toolace.stream.llm.openai.Fixtures.SPECIATION_IDS;
import static io.toolace.stream.llm.openai.Fixtures.generationInput;
import static io.toolace.stream.llm.openai.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.toolace.stream.evolution.ApiSignature;
import io.toolace.stream.llm.openai.FakeOpenAiServer.Received;
import io.toolace.stream.llm.openai.FakeOpenAiServer.Reply;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiGenerationResult;
import io.toolace.stream.records.ApiOrigin;
import io.toolace.stream.records.ContextNode;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.NodeLevel;
import io.toolace.stream.records.SpeciationResult;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OpenAiBackendTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "qwen2.5-7b-instruct";

    private FakeOpenAiServer server;
    private OpenAiBackend backend;

    @BeforeEach
    void start() {
        server = FakeOpenAiServer.start();
        backend = new OpenAiBackend(OpenAiEndpoint.of(server.baseUrl(), MODEL).withApiKey(API_KEY)
                .withRequestTimeout(Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() {
        backend.close();
        server.close();
    }

    @Test
    void speciationAnswerBecomesTheContextTreeTheProceduralSpeciatorWouldBuild() throws Exception {
        // Given
        server.enqueue(Reply.answer(SPECIATION_ANSWER));

        // When
        final LlmReply reply = answer(request(AgentTask.EXTRACT_DOMAINS, PAYMENTS_MANUAL));

        // Then
        assertThat(reply.getError()).isNull();
        final List<ContextNode> nodes = ((SpeciationResult) reply.getResult()).getNodes();
        assertThat(nodes).extracting(ContextNode::getId).containsExactlyElementsOf(SPECIATION_IDS);
        assertThat(nodes.get(0).getLevel()).isEqualTo(NodeLevel.DOMAIN);
        assertThat(nodes.get(0).getParentId()).isNull();
        assertThat(nodes.get(0).getDescription()).isEqualTo("Moving money between customers, merchants and banks.");
        final ContextNode refund = nodes.get(6);
        assertThat(refund.getLevel()).isEqualTo(NodeLevel.FUNCTIONALITY);
        assertThat(refund.getParentId()).isEqualTo("finance/refunds");
        assertThat(refund.getPath()).containsExactly("Finance", "Refunds", "refund a payment");
        assertThat(refund.getDescription()).isEqualTo("Refunds a payment in full or in part within 180 days.");
        assertThat(nodes.get(1).getLevel()).isEqualTo(NodeLevel.SUBDOMAIN);
        assertThat(nodes.get(1).getParentId()).isEqualTo("finance");
        assertThat(nodes).allSatisfy(n -> assertThat(n.getSeedId()).isEqualTo(PAYMENTS_MANUAL.getId()));
        assertThat(reply.getUsage().getBackend()).isEqualTo("openai");
        assertThat(reply.getUsage().getModel()).isEqualTo(MODEL);
        assertThat(reply.getUsage().getPromptTokens()).isPositive();
        assertThat(reply.getUsage().getCompletionTokens()).isPositive();
        assertThat(reply.getRaw()).isEmpty();
    }

    @Test
    void speciationRequestCarriesTheDocumentModelSettingsAndBearerKey() throws Exception {
        // Given
        server.enqueue(Reply.answer(SPECIATION_ANSWER));

        // When
        answer(request(AgentTask.EXTRACT_DOMAINS, PAYMENTS_MANUAL));

        // Then
        final Received sent = server.requests().get(0);
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.authorization()).isEqualTo("Bearer " + API_KEY);
        assertThat(sent.model()).isEqualTo(MODEL);
        assertThat(sent.body().path("temperature").asDouble()).isEqualTo(OpenAiEndpoint.DEFAULT_TEMPERATURE);
        assertThat(sent.body().path("max_tokens").asInt()).isEqualTo(OpenAiEndpoint.DEFAULT_MAX_TOKENS);
        assertThat(sent.body().path("response_format").path("type").asText()).isEqualTo("json_object");
        assertThat(sent.message("system")).contains("API context tree").contains("JSON");
        assertThat(sent.message("user"))
                .contains("Document title: Acme Pay Merchant Manual")
                .contains("Document kind: MARKDOWN")
                .contains("POST /v1/refunds: refund a payment")
                .contains("\"subdomains\"")
                .doesNotContain("{{");
    }

    static Stream<Arguments> repairableSpeciationAnswers() {
        return Stream.of(
                Arguments.of("fenced", "```json\n" + SPECIATION_ANSWER + "\n```"),
                Arguments.of("prose around", "Here is the API context tree I extracted:\n\n" + SPECIATION_ANSWER
                        + "\n\nLet me know if you want more sub-domains."),
                Arguments.of("prose and fence", "Sure! {As requested}:\n```json\n" + SPECIATION_ANSWER
                        + "\n```\nThe tree has two sub-domains."),
                Arguments.of("byte-order mark", "\uFEFF" + SPECIATION_ANSWER));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("repairableSpeciationAnswers")
    void repairableSpeciationAnswerGivesTheSameTree(final String label, final String answer) throws Exception {
        // Given
        server.enqueue(Reply.answer(answer));

        // When
        final LlmReply reply = answer(request(AgentTask.EXTRACT_DOMAINS, PAYMENTS_MANUAL));

        // Then
        assertThat(reply.getError()).isNull();
        assertThat(((SpeciationResult) reply.getResult()).getNodes()).extracting(ContextNode::getId)
                .containsExactlyElementsOf(SPECIATION_IDS);
    }

    @Test
    void apiAnswerBecomesACandidateFilledLikeTheForgeFillsIt() throws Exception {
        // Given
        server.enqueue(Reply.answer(API_ANSWER));

        // When
        final LlmReply reply = answer(request(AgentTask.GENERATE_API,
                generationInput(EXAMPLE, List.of("MUTATE_TYPES", "ADD_CONSTRAINTS"))));

        // Then
        assertThat(reply.getError()).isNull();
        final List<ApiDefinition> apis = ((ApiGenerationResult) reply.getResult()).getApis();
        assertThat(apis).hasSize(1);
        final ApiDefinition api = apis.get(0);
        assertThat(api.getName()).isEqualTo("create_split_payment");
        assertThat(api.getId()).isEqualTo(ApiSignature.hash(api.getName(), api.getParameters()));
        assertThat(api.getParameters()).doesNotContain("\n").doesNotContain(": ");
        assertThat(JSON.readTree(api.getParameters()))
                .isEqualTo(JSON.readTree(API_ANSWER).path("parameters"));
        assertThat(JSON.readTree(api.getResponse())).isEqualTo(JSON.readTree(API_ANSWER).path("response"));
        assertThat(api.getDescription()).startsWith("Creates a card payment");
        assertThat(api.getDomain()).isEqualTo("Finance");
        assertThat(api.getSubdomain()).isEqualTo("Payments");
        assertThat(api.getFunctionalities()).containsExactly(
                "finance/payments/create a payment", "finance/payments/capture an authorised payment");
        assertThat(api.getOrigin()).isEqualTo(ApiOrigin.SYNTHESIZED);
        assertThat(api.getGeneration()).isEqualTo(1);
        assertThat(api.getDiversity()).containsExactly("ADD_CONSTRAINTS", "MUTATE_TYPES");
        assertThat(api.getExampleId()).isEqualTo(EXAMPLE.getId());
        assertThat(api.getLineage().getPoolGeneration()).isEqualTo(1);
        assertThat(api.getLineage().getSeedIds()).containsExactly("seed-payments-manual");
    }

    @Test
    void apiRequestShowsSubtreeExampleAndTheChosenIndicatorsOnly() throws Exception {
        // Given
        server.enqueue(Reply.answer(API_ANSWER));

        // When
        answer(request(AgentTask.GENERATE_API, generationInput(EXAMPLE, List.of("MUTATE_TYPES", "ADD_CONSTRAINTS"))));

        // Then
        final String user = server.requests().get(0).message("user");
        assertThat(user)
                .contains("Domain: Finance. Moving money between customers, merchants and banks.")
                .contains("Sub-domain: Payments.")
                .contains("- create a payment: Charges an amount in a currency to a card or bank account.")
                .contains("- capture an authorised payment: Captures a payment authorised earlier")
                .contains("its name is not \"refund_payment\"")
                .contains("\"payment_id\"")
                .contains("an array of arrays").contains("array of objects").contains("object inside an object")
                .contains("\"enum\"").contains("\"pattern\"").contains("\"minimum\"").contains("\"format\"")
                .doesNotContain("Add parameters:").doesNotContain("Update the returned results")
                .doesNotContain("{{");
        assertThat(server.requests().get(0).message("system")).contains("API designer");
    }

    @Test
    void apiRequestWithoutExampleOrIndicatorsSaysSo() throws Exception {
        // Given
        server.enqueue(Reply.answer(API_ANSWER));

        // When
        final LlmReply reply = answer(request(AgentTask.GENERATE_API, generationInput(null, List.of())));

        // Then
        final String user = server.requests().get(0).message("user");
        assertThat(user).contains("No example this time").contains("adapt the functionalities faithfully")
                .doesNotContain("```json");
        final ApiDefinition api = ((ApiGenerationResult) reply.getResult()).getApis().get(0);
        assertThat(api.getExampleId()).isNull();
        assertThat(api.getGeneration()).isZero();
        assertThat(api.getDiversity()).isEmpty();
    }

    static Stream<Arguments> unusableApiAnswers() {
        final String missingParameters = "{\"name\": \"create_split_payment\", \"description\": \"Creates a payment.\","
                + " \"response\": {\"type\": \"object\"}}";
        final String parametersAsString = "{\"name\": \"create_split_payment\", \"description\": \"Creates a payment.\","
                + " \"parameters\": \"{\\\"type\\\": \\\"object\\\"}\"}";
        final String refusal = "I'm sorry, I cannot design an API for payments without more details.";
        final String exampleName = "{\"name\": \"RefundPayment\", \"description\": \"Refunds.\","
                + " \"parameters\": {\"type\": \"object\", \"properties\": {}}}";
        return Stream.of(
                Arguments.of(Reply.truncated(API_ANSWER.substring(0, 812)),
                        "openai GENERATE_API answer rejected: answer is not JSON: truncated at char 812 (finish_reason=length)"),
                Arguments.of(Reply.answer(refusal), "openai GENERATE_API answer rejected: answer is not JSON: no '{' in "
                        + refusal.length() + " chars (finish_reason=stop)"),
                Arguments.of(Reply.answer(missingParameters),
                        "openai GENERATE_API answer rejected: missing field 'parameters'"),
                Arguments.of(Reply.answer(parametersAsString),
                        "openai GENERATE_API answer rejected: field 'parameters' is not a JSON object (got string)"),
                Arguments.of(Reply.answer("[" + API_ANSWER + "]"),
                        "openai GENERATE_API answer rejected: answer is a JSON array, expected an object"),
                Arguments.of(Reply.answer(exampleName),
                        "openai GENERATE_API answer rejected: name 'RefundPayment' repeats the example's name 'refund_payment'"));
    }

    @ParameterizedTest
    @MethodSource("unusableApiAnswers")
    void unusableApiAnswerIsAnErrorReplyWithTheRawText(final Reply scripted, final String reason) throws Exception {
        // Given
        server.enqueue(scripted);

        // When
        final LlmReply reply = answer(request(AgentTask.GENERATE_API, generationInput(EXAMPLE, List.of())));

        // Then
        assertThat(reply.getError()).isEqualTo(reason);
        assertThat(reply.getResult()).isNull();
        assertThat(reply.getRaw()).isEqualTo(scripted.content());
        assertThat(reply.getUsage().getCompletionTokens()).isPositive();
    }

    @Test
    void speciationAnswerWithoutFunctionalitiesOrWithAWrongTypeIsRejected() throws Exception {
        // Given
        server.enqueue(
                Reply.answer("{\"domain\": \"Finance\", \"subdomains\": [{\"name\": \"Payouts\", \"functionalities\": []}]}"),
                Reply.answer("{\"domain\": \"Finance\", \"subdomains\": [{\"name\": \"Payments\","
                        + " \"functionalities\": [{\"name\": 42}]}]}"),
                Reply.answer("{\"domain\": \"Finance\", \"subdomains\": {\"name\": \"Payments\"}}"));

        // When
        final LlmReply empty = answer(request(AgentTask.EXTRACT_DOMAINS, PAYMENTS_MANUAL));
        final LlmReply number = answer(request(AgentTask.EXTRACT_DOMAINS, PAYMENTS_MANUAL));
        final LlmReply object = answer(request(AgentTask.EXTRACT_DOMAINS, PAYMENTS_MANUAL));

        // Then
        assertThat(empty.getError()).isEqualTo(
                "openai EXTRACT_DOMAINS answer rejected: answer names no functionality (domain 'Finance', 1 sub-domains)");
        assertThat(number.getError()).isEqualTo("openai EXTRACT_DOMAINS answer rejected: "
                + "field 'subdomains[0].functionalities[0].name' is not a string (got number)");
        assertThat(object.getError()).isEqualTo(
                "openai EXTRACT_DOMAINS answer rejected: field 'subdomains' is not an array (got object)");
        assertThat(List.of(empty, number, object)).allSatisfy(r -> assertThat(r.getResult()).isNull());
    }

    @Test
    void rawTextOfARejectedAnswerIsCapped() throws Exception {
        // Given
        final String rambling = "Let me think about this carefully. ".repeat(500);
        server.enqueue(Reply.truncated(rambling));

        // When
        final LlmReply reply = answer(request(AgentTask.EXTRACT_DOMAINS, PAYMENTS_MANUAL));

        // Then
        assertThat(reply.getError()).contains("no '{'").contains("finish_reason=length");
        assertThat(reply.getRaw()).hasSize(OpenAiBackend.MAX_RAW_CHARS).isEqualTo(rambling.substring(0, OpenAiBackend.MAX_RAW_CHARS));
    }

    @Test
    void serverErrorsAreErrorRepliesNotFailedFutures() throws Exception {
        // Given
        server.enqueue(Reply.status(500, "CUDA out of memory"), Reply.status(429, "Rate limit reached for requests"));

        // When
        final LlmReply internal = answer(request(AgentTask.EXTRACT_DOMAINS, PAYMENTS_MANUAL));
        final LlmReply limited = answer(request(AgentTask.GENERATE_API, generationInput(EXAMPLE, List.of())));

        // Then
        assertThat(internal.getError()).startsWith("openai EXTRACT_DOMAINS call failed: HTTP 500: chat completion failed")
                .contains("CUDA out of memory");
        assertThat(internal.getRaw()).contains("CUDA out of memory");
        assertThat(internal.getResult()).isNull();
        assertThat(limited.getError()).startsWith("openai GENERATE_API call failed: HTTP 429")
                .contains("Rate limit reached");
        assertThat(limited.getUsage().getPromptTokens()).isZero();
    }

    @Test
    void unreachableServerIsAnErrorReply() throws Exception {
        // Given
        final String url = server.baseUrl();
        server.close();

        // When
        final LlmReply reply;
        try (OpenAiBackend offline = new OpenAiBackend(OpenAiEndpoint.of(url, MODEL)
                .withRequestTimeout(Duration.ofSeconds(5)))) {
            reply = offline.answer(request(AgentTask.EXTRACT_DOMAINS, PAYMENTS_MANUAL)).get(10, TimeUnit.SECONDS);
        }

        // Then
        assertThat(reply.getError()).startsWith("openai EXTRACT_DOMAINS call failed: ")
                .contains("calling " + url + "/chat/completions");
        assertThat(reply.getResult()).isNull();
    }

    @Test
    void requestWithoutFunctionalityIsRejectedWithoutACall() throws Exception {
        // Given
        final var input = generationInput(null, List.of());
        input.setSubtree(List.of(Fixtures.FINANCE, Fixtures.PAYMENTS));

        // When
        final LlmReply reply = answer(request(AgentTask.GENERATE_API, input));

        // Then
        assertThat(reply.getError()).startsWith("openai GENERATE_API request rejected: subtree has no FUNCTIONALITY node");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void everyTaskHasAPromptAndAWrongPayloadIsRejectedWithoutACall() throws Exception {
        // Then
        assertThat(OpenAiBackend.supportedTasks()).containsExactlyInAnyOrder(AgentTask.values());
        for (final AgentTask task : AgentTask.values()) {
            final Object wrong = task == AgentTask.EXTRACT_DOMAINS ? generationInput(null, List.of()) : PAYMENTS_MANUAL;
            final LlmReply reply = answer(request(task, wrong));
            assertThat(reply.getError()).startsWith("openai " + task + " request rejected: payload is a ")
                    .contains("this task takes a ");
            assertThat(reply.getResult()).isNull();
            assertThat(reply.getUsage().getBackend()).isEqualTo("openai");
        }
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void apiKeyNeverReachesLogsRepliesOrToString() throws Exception {
        // Given: a proxy that echoes the request's headers in its error page
        server.answerWith(request -> Reply.statusWithBody(502,
                "<html>Bad gateway. Request headers: Authorization: " + request.authorization() + "</html>"));
        server.enqueue(Reply.answer("```json\n{\"domain\": \"Finance\"\n```"));

        // When
        final List<String> logged;
        final LlmReply rejected;
        final LlmReply echoed;
        try (LogCapture capture = new LogCapture(OpenAiBackend.class)) {
            rejected = answer(request(AgentTask.EXTRACT_DOMAINS, PAYMENTS_MANUAL));
            echoed = answer(request(AgentTask.GENERATE_API, generationInput(EXAMPLE, List.of())));
            logged = capture.lines();
        }

        // Then
        assertThat(server.requests()).allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + API_KEY));
        assertThat(logged).hasSize(2);
        assertThat(logged.get(0)).startsWith("WARN EXTRACT_DOMAINS for corr-extract_domains: ")
                .contains("answer is not JSON: truncated");
        assertThat(logged.get(1)).startsWith("WARN GENERATE_API for corr-generate_api: ").contains("HTTP 502");
        assertThat(logged).allSatisfy(line -> assertThat(line).doesNotContain(API_KEY).doesNotContain("[thrown"));
        assertThat(echoed.getError()).doesNotContain(API_KEY).contains("<redacted>");
        assertThat(echoed.getRaw()).doesNotContain(API_KEY);
        assertThat(rejected.getError()).doesNotContain(API_KEY);
        assertThat(OpenAiEndpoint.of(server.baseUrl(), MODEL).withApiKey(API_KEY).toString()).doesNotContain(API_KEY);
    }

    @Test
    void noKeyNoAuthorizationHeader() throws Exception {
        // Given
        server.enqueue(Reply.answer(SPECIATION_ANSWER));
        try (OpenAiBackend keyless = new OpenAiBackend(OpenAiEndpoint.of(server.baseUrl(), MODEL))) {

            // When
            keyless.answer(request(AgentTask.EXTRACT_DOMAINS, PAYMENTS_MANUAL)).get(10, TimeUnit.SECONDS);
        }

        // Then
        assertThat(server.requests().get(0).authorization()).isNull();
    }

    @Test
    void concurrentRequestsAreAnsweredIndependently() throws Exception {
        // Given: answers chosen by what was asked, in whatever order the requests arrive
        server.answerWith(request -> request.message("user").contains("Document title")
                ? Reply.answer(SPECIATION_ANSWER) : Reply.answer(API_ANSWER));

        // When
        final var futures = Arrays.asList(
                backend.answer(request(AgentTask.EXTRACT_DOMAINS, PAYMENTS_MANUAL)),
                backend.answer(request(AgentTask.GENERATE_API, generationInput(EXAMPLE, List.of()))),
                backend.answer(request(AgentTask.EXTRACT_DOMAINS, PAYMENTS_MANUAL)),
                backend.answer(request(AgentTask.GENERATE_API, generationInput(null, List.of("UPDATE_RESULTS")))));

        // Then
        for (int i = 0; i < futures.size(); i++) {
            final LlmReply reply = futures.get(i).get(10, TimeUnit.SECONDS);
            assertThat(reply.getError()).isNull();
            assertThat(reply.getResult()).isInstanceOf(i % 2 == 0 ? SpeciationResult.class : ApiGenerationResult.class);
        }
    }

    private LlmReply answer(final io.toolace.stream.records.LlmRequest request) throws Exception {
        return backend.answer(request).get(10, TimeUnit.SECONDS);
    }
}
