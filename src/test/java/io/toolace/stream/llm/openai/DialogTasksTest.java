package io.toolace.stream.llm.openai;

import static io.toolace.stream.llm.openai.Fixtures.API_KEY;
import static io.toolace.stream.llm.openai.Fixtures.ASK_REFUND;
import static io.toolace.stream.llm.openai.Fixtures.CALL_FIND;
import static io.toolace.stream.llm.openai.Fixtures.CALL_REFUND;
import static io.toolace.stream.llm.openai.Fixtures.FOUND;
import static io.toolace.stream.llm.openai.Fixtures.REFUNDED;
import static io.toolace.stream.llm.openai.Fixtures.USER_STYLE;
import static io.toolace.stream.llm.openai.Fixtures.draft;
import static io.toolace.stream.llm.openai.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.llm.openai.FakeOpenAiServer.Received;
import io.toolace.stream.llm.openai.FakeOpenAiServer.Reply;
import io.toolace.stream.records.Agent;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.FunctionCall;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.ToolResult;
import io.toolace.stream.records.Turn;
import io.toolace.stream.records.TurnResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The user, assistant and tool agents against the fake server: prompts sent, answers parsed, answers rejected. */
class DialogTasksTest {

    private static final String MODEL = "qwen2.5-7b-instruct";
    private static final String CALL_FIND_ANSWER = """
            {"thinking": ["need_tool: yes", "api: find_payment", "required: customer_email <- user",
                          "optional: status not given, left out"],
             "calls": [{"name": "find_payment", "arguments": {"customer_email": "anna@example.com"}}],
             "text": "",
             "finished": false}""";
    private static final String SUMMARY_ANSWER = """
            {"thinking": ["need_tool: no", "answer: summarise the results of refund_payment"],
             "calls": [],
             "text": "Done! I refunded payment pay_8Kd2 (49.99 EUR); refund re_31Qa is pending.",
             "finished": false}""";

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

    // ---- user agent -----------------------------------------------------------------------------

    @Test
    void userAnswerBecomesAUserTurnAndThePromptCarriesStyleTypeAndProgress() throws Exception {
        // Given
        server.enqueue(Reply.answer("{\"text\": \"hey, could you sort out a refund for my last payment? "
                + "my email's anna@example.com\"}"));
        final DialogDraft draft = draft(DialogType.DEPENDENT, 2, Agent.USER, List.of());

        // When
        final LlmReply reply = answer(request(AgentTask.USER_TURN, draft, 0, 0));

        // Then
        assertThat(reply.getError()).isNull();
        final TurnResult result = (TurnResult) reply.getResult();
        assertThat(result.getTurn().getRole()).isEqualTo(Role.USER);
        assertThat(result.getTurn().getText()).startsWith("hey, could you sort out a refund");
        assertThat(result.getTurn().getCalls()).isEmpty();
        assertThat(result.getFinished()).isFalse();
        final Received sent = server.requests().get(0);
        assertThat(sent.message("system")).contains("You play the user");
        assertThat(sent.message("user"))
                .contains(USER_STYLE)
                .contains("Complexity: 0.62")
                .contains("## Dialog type: DEPENDENT")
                .contains("the second needs a value that only the first step's result provides")
                .contains("The dialog plans 2 user requests; the assistant has answered 0 so far.")
                .contains("Start the conversation with your first request (request 1 of 2).")
                .contains("{\"name\":\"find_payment\",\"description\":\"Finds a customer's most recent payment")
                .contains("\"required\":[\"customer_email\"]")
                .contains("(no turns yet)")
                .doesNotContain("\"response\"")
                .doesNotContain("{{");
    }

    @Test
    void userIsAskedToSupplyWhatTheAssistantAskedForAndSeesNoCallsOrResults() throws Exception {
        // Given: a clarification, then (in the second draft) a finished first request
        final Turn ask = new Turn(Role.ASSISTANT, "Sure, which email address did you pay with?", List.of(), List.of(),
                List.of("need_tool: yes", "api: find_payment", "required: customer_email not stated -> ask the user"));
        final Turn vague = new Turn(Role.USER, "Please refund my last payment.", List.of(), List.of(), List.of());
        final Turn summary = new Turn(Role.ASSISTANT, "Refund re_31Qa for pay_8Kd2 is pending.", List.of(), List.of(),
                List.of("need_tool: no"));
        server.answerWith(request -> Reply.answer("{\"text\": \"anna@example.com\"}"));

        // When
        answer(request(AgentTask.USER_TURN, draft(DialogType.CLARIFY, 1, Agent.USER, List.of(vague, ask)), 2, 0));
        answer(request(AgentTask.USER_TURN, draft(DialogType.DEPENDENT, 2, Agent.USER,
                List.of(ASK_REFUND, CALL_FIND, FOUND, CALL_REFUND, REFUNDED, summary)), 6, 0));

        // Then
        final String supply = server.requests().get(0).message("user");
        assertThat(supply)
                .contains("The assistant's last message asks you for information it needs.")
                .contains("[0] user: Please refund my last payment.")
                .contains("[1] assistant: Sure, which email address did you pay with?")
                .contains("leaves out one value that call requires");
        final String next = server.requests().get(1).message("user");
        assertThat(next)
                .contains("the assistant has answered 1 so far")
                .contains("Make your next request (request 2 of 2)")
                .contains("[5] assistant: Refund re_31Qa for pay_8Kd2 is pending.")
                .doesNotContain("pay_8Kd2\",").doesNotContain("calls:").doesNotContain("[2]");
    }

    // ---- assistant agent ------------------------------------------------------------------------

    @Test
    void assistantCallsBecomeACallTurnWithThinkingAndCompactArguments() throws Exception {
        // Given
        server.enqueue(Reply.answer(CALL_FIND_ANSWER));
        final DialogDraft draft = draft(DialogType.DEPENDENT, 1, Agent.ASSISTANT, List.of(ASK_REFUND));

        // When
        final LlmReply reply = answer(request(AgentTask.ASSISTANT_TURN, draft, 1, 0));

        // Then
        assertThat(reply.getError()).isNull();
        final TurnResult result = (TurnResult) reply.getResult();
        final Turn turn = result.getTurn();
        assertThat(turn.getRole()).isEqualTo(Role.ASSISTANT);
        assertThat(turn.getCalls()).containsExactly(
                new FunctionCall("find_payment", "{\"customer_email\":\"anna@example.com\"}"));
        assertThat(turn.getText()).isNull();
        assertThat(turn.getThinking()).containsExactly("need_tool: yes", "api: find_payment",
                "required: customer_email <- user", "optional: status not given, left out");
        assertThat(result.getFinished()).isFalse();
        final String user = server.requests().get(0).message("user");
        assertThat(user)
                .contains("[0] user: Hi, it's anna@example.com. Please refund my last payment.")
                .contains("You are working on request 1 of 1.")
                .contains("call the first tool, wait for its result")
                .contains("\"name\":\"refund_payment\"")
                .contains("\"need_tool: yes\" or \"need_tool: no\"")
                .doesNotContain("{{");
        assertThat(server.requests().get(0).message("system")).contains("formal").contains("never invent");
    }

    @Test
    void assistantSeesCallsAndResultsAndItsAnswerToTheLastRequestFinishesTheDialog() throws Exception {
        // Given
        server.answerWith(request -> Reply.answer(SUMMARY_ANSWER));
        final List<Turn> turns = List.of(ASK_REFUND, CALL_FIND, FOUND, CALL_REFUND, REFUNDED);

        // When
        final LlmReply last = answer(request(AgentTask.ASSISTANT_TURN,
                draft(DialogType.DEPENDENT, 1, Agent.ASSISTANT, turns), 5, 0));
        final LlmReply notLast = answer(request(AgentTask.ASSISTANT_TURN,
                draft(DialogType.DEPENDENT, 2, Agent.ASSISTANT, turns), 5, 0));

        // Then
        final TurnResult finished = (TurnResult) last.getResult();
        assertThat(finished.getTurn().getCalls()).isEmpty();
        assertThat(finished.getTurn().getText()).startsWith("Done! I refunded payment pay_8Kd2");
        assertThat(finished.getFinished()).as("answers request 1 of 1, though the model left the flag false").isTrue();
        assertThat(((TurnResult) notLast.getResult()).getFinished()).as("request 1 of 2").isFalse();
        assertThat(server.requests().get(0).message("user"))
                .contains("[1] assistant calls: find_payment({\"customer_email\":\"anna@example.com\"})")
                .contains("[2] tool: find_payment -> {\"payment_id\":\"pay_8Kd2\"");
    }

    @Test
    void assistantQuestionForAMissingValueNeverFinishesTheDialog() throws Exception {
        // Given: the model even claims to be finished
        server.enqueue(Reply.answer("""
                {"thinking": ["need_tool: yes", "api: find_payment", "required: customer_email not stated -> ask the user"],
                 "calls": [], "text": "Happy to help! Which email address did you pay with?", "finished": false}"""));
        final Turn vague = new Turn(Role.USER, "Please refund my last payment.", List.of(), List.of(), List.of());

        // When
        final LlmReply reply = answer(request(AgentTask.ASSISTANT_TURN,
                draft(DialogType.CLARIFY, 1, Agent.ASSISTANT, List.of(vague)), 1, 0));

        // Then
        final TurnResult result = (TurnResult) reply.getResult();
        assertThat(result.getTurn().getText()).isEqualTo("Happy to help! Which email address did you pay with?");
        assertThat(result.getFinished()).isFalse();
    }

    // ---- tool agent -----------------------------------------------------------------------------

    @Test
    void toolResultsFollowTheCallsAndThePromptShowsTheResponseSchema() throws Exception {
        // Given
        server.enqueue(Reply.answer("""
                {"results": [{"name": "find_payment",
                              "results": {"payment_id": "pay_8Kd2", "amount": 4999, "currency": "eur", "status": "succeeded"}}]}"""));
        final DialogDraft draft = draft(DialogType.DEPENDENT, 1, Agent.TOOL, List.of(ASK_REFUND, CALL_FIND));

        // When
        final LlmReply reply = answer(request(AgentTask.TOOL_RESPONSE, draft, 2, 0));

        // Then
        assertThat(reply.getError()).isNull();
        final Turn turn = ((TurnResult) reply.getResult()).getTurn();
        assertThat(turn.getRole()).isEqualTo(Role.TOOL);
        assertThat(turn.getResults()).containsExactly(new ToolResult("find_payment",
                "{\"payment_id\":\"pay_8Kd2\",\"amount\":4999,\"currency\":\"eur\",\"status\":\"succeeded\"}"));
        final String user = server.requests().get(0).message("user");
        assertThat(user)
                .contains("Simulate the results of these 1 calls.")
                .contains("1. find_payment({\"customer_email\":\"anna@example.com\"})")
                .contains("\"response\":{\"type\":\"object\",\"properties\":{\"payment_id\"")
                .contains("[0] user: Hi, it's anna@example.com.")
                .doesNotContain("refund_payment")
                .doesNotContain("{{");
    }

    @Test
    void toolTurnWithoutPendingCallsIsRejectedWithoutACall() throws Exception {
        // When
        final LlmReply reply = answer(request(AgentTask.TOOL_RESPONSE,
                draft(DialogType.DEPENDENT, 1, Agent.TOOL, List.of(ASK_REFUND)), 1, 0));

        // Then
        assertThat(reply.getError()).isEqualTo("openai TOOL_RESPONSE request rejected: dialog d0-17: a tool turn must"
                + " follow an assistant turn with calls, but the last turn is USER");
        assertThat(server.requests()).isEmpty();
    }

    // ---- rejected and repaired answers ------------------------------------------------------------

    static Stream<Arguments> unusableAnswers() {
        final DialogDraft afterRequest = draft(DialogType.PARALLEL, 1, Agent.ASSISTANT, List.of(ASK_REFUND));
        final Turn twoCalls = new Turn(Role.ASSISTANT, null, List.of(
                new FunctionCall("find_payment", "{\"customer_email\":\"anna@example.com\"}"),
                new FunctionCall("refund_payment", "{\"payment_id\":\"pay_8Kd2\"}")), List.of(), List.of("need_tool: yes"));
        final DialogDraft afterTwoCalls = draft(DialogType.PARALLEL, 1, Agent.TOOL, List.of(ASK_REFUND, twoCalls));
        return Stream.of(
                Arguments.of("unknown tool", AgentTask.ASSISTANT_TURN, afterRequest, """
                        {"thinking": ["need_tool: yes", "api: cancel_payment"],
                         "calls": [{"name": "cancel_payment", "arguments": {"payment_id": "pay_8Kd2"}}], "text": ""}""",
                        "calls unknown tool cancel_payment (tools: [find_payment, refund_payment])"),
                Arguments.of("arguments a string", AgentTask.ASSISTANT_TURN, afterRequest, """
                        {"thinking": ["need_tool: yes", "api: find_payment"],
                         "calls": [{"name": "find_payment", "arguments": "{\\"customer_email\\": \\"anna@example.com\\"}"}]}""",
                        "field 'calls[0].arguments' is not a JSON object (got string)"),
                Arguments.of("neither calls nor text", AgentTask.ASSISTANT_TURN, afterRequest,
                        "{\"thinking\": [\"need_tool: yes\"], \"calls\": [], \"text\": \"  \", \"finished\": true}",
                        "turn has neither calls nor text"),
                Arguments.of("no decision in the thinking", AgentTask.ASSISTANT_TURN, afterRequest,
                        "{\"thinking\": [\"api: find_payment\"], \"calls\": [{\"name\": \"find_payment\","
                                + " \"arguments\": {\"customer_email\": \"anna@example.com\"}}]}",
                        "thinking has no 'need_tool: yes' or 'need_tool: no' line"),
                Arguments.of("calls after deciding no tool", AgentTask.ASSISTANT_TURN, afterRequest,
                        "{\"thinking\": [\"need_tool: no\"], \"calls\": [{\"name\": \"find_payment\","
                                + " \"arguments\": {\"customer_email\": \"anna@example.com\"}}]}",
                        "thinking says 'need_tool: no' but the turn calls find_payment"),
                Arguments.of("fewer results than calls", AgentTask.TOOL_RESPONSE, afterTwoCalls,
                        "{\"results\": [{\"name\": \"find_payment\", \"results\": {\"payment_id\": \"pay_8Kd2\"}}]}",
                        "answer has 1 results for 2 calls ([find_payment, refund_payment])"),
                Arguments.of("results out of order", AgentTask.TOOL_RESPONSE, afterTwoCalls, """
                        {"results": [{"name": "refund_payment", "results": {"refund_id": "re_31Qa"}},
                                     {"name": "find_payment", "results": {"payment_id": "pay_8Kd2"}}]}""",
                        "'results[0].name' is refund_payment but call 0 is find_payment (results follow the calls in order)"),
                Arguments.of("result a string", AgentTask.TOOL_RESPONSE, afterTwoCalls, """
                        {"results": [{"name": "find_payment", "results": "pay_8Kd2"},
                                     {"name": "refund_payment", "results": {"refund_id": "re_31Qa"}}]}""",
                        "field 'results[0].results' is not a JSON object or array (got string)"),
                Arguments.of("user text missing", AgentTask.USER_TURN,
                        draft(DialogType.SINGLE, 1, Agent.USER, List.of()), "{\"message\": \"hi\"}",
                        "missing field 'text'"),
                Arguments.of("fence cut short", AgentTask.USER_TURN, draft(DialogType.SINGLE, 1, Agent.USER, List.of()),
                        "Sure, here is the message:\n```json\n{\"text\": \"please refund my",
                        "answer is not JSON: truncated at char 61 (finish_reason=stop)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusableAnswers")
    void unusableAnswerIsAnErrorReplyWithItsReasonAndOneWarnLine(final String label, final AgentTask task,
            final DialogDraft draft, final String answer, final String reason) throws Exception {
        // Given
        server.enqueue(Reply.answer(answer));

        // When
        final LlmReply reply;
        final List<String> logged;
        try (LogCapture capture = new LogCapture(OpenAiBackend.class)) {
            reply = answer(request(task, draft, draft.getTurns().size(), 0));
            logged = capture.lines();
        }

        // Then
        assertThat(reply.getError()).isEqualTo("openai " + task + " answer rejected: " + reason);
        assertThat(reply.getResult()).isNull();
        assertThat(reply.getRaw()).isEqualTo(answer);
        assertThat(logged).hasSize(1);
        assertThat(logged.get(0)).startsWith("WARN " + task + " for d0-17: ").endsWith(reason).doesNotContain(API_KEY);
    }

    @Test
    void fencedAnswerWithProseAroundIsRepaired() throws Exception {
        // Given
        server.enqueue(Reply.answer("Here is my next turn:\n```json\n" + CALL_FIND_ANSWER
                + "\n```\nI will wait for the result before refunding."));

        // When
        final LlmReply reply = answer(request(AgentTask.ASSISTANT_TURN,
                draft(DialogType.DEPENDENT, 1, Agent.ASSISTANT, List.of(ASK_REFUND)), 1, 0));

        // Then
        assertThat(reply.getError()).isNull();
        assertThat(((TurnResult) reply.getResult()).getTurn().getCalls()).extracting(FunctionCall::getName)
                .containsExactly("find_payment");
    }

    // ---- sampling for the consistency vote -------------------------------------------------------

    @Test
    void seedDependsOnCorrelationStepAndSampleIndexOnly() throws Exception {
        // Given
        server.answerWith(request -> Reply.answer(CALL_FIND_ANSWER));
        final DialogDraft draft = draft(DialogType.DEPENDENT, 1, Agent.ASSISTANT, List.of(ASK_REFUND));

        // When
        for (final int sampleIndex : new int[] {0, 1, 2, 1}) {
            answer(request(AgentTask.ASSISTANT_TURN, draft, 1, sampleIndex));
        }
        answer(request(AgentTask.ASSISTANT_TURN, draft, 3, 0));

        // Then
        final List<Long> seeds = server.requests().stream().map(Received::seed).toList();
        assertThat(seeds).doesNotContainNull();
        assertThat(seeds.get(1)).isEqualTo(seeds.get(0) + 1);
        assertThat(seeds.get(2)).isEqualTo(seeds.get(0) + 2);
        assertThat(seeds.get(3)).as("the same sample asked again").isEqualTo(seeds.get(1));
        assertThat(seeds.get(4)).as("another step").isNotIn(seeds.subList(0, 4));
        assertThat(seeds).allSatisfy(seed -> assertThat(seed).isBetween(0L, (long) Integer.MAX_VALUE));
        assertThat(server.requests()).allSatisfy(r ->
                assertThat(r.body().path("temperature").asDouble()).isEqualTo(OpenAiEndpoint.DEFAULT_TEMPERATURE));
    }

    @Test
    void threeSamplesOfOneAssistantStepComeBackAsThreeParsedTurnsTwoAgreeing() throws Exception {
        // Given: a server whose sampling follows the seed; the third sample picks another email
        final DialogDraft draft = draft(DialogType.DEPENDENT, 1, Agent.ASSISTANT, List.of(ASK_REFUND));
        final long base = OpenAiBackend.seed(request(AgentTask.ASSISTANT_TURN, draft, 1, 0));
        server.answerWith(request -> Reply.answer(request.seed() == base + 2
                ? CALL_FIND_ANSWER.replace("anna@example.com", "anna.k@example.com") : CALL_FIND_ANSWER));

        // When: the turn stage asks the same step three times, as for a majority vote
        final List<CompletableFuture<LlmReply>> futures = new ArrayList<>();
        for (int sampleIndex = 0; sampleIndex < 3; sampleIndex++) {
            futures.add(backend.answer(request(AgentTask.ASSISTANT_TURN, draft, 1, sampleIndex)));
        }
        final List<TurnResult> samples = new ArrayList<>();
        for (final CompletableFuture<LlmReply> future : futures) {
            final LlmReply reply = future.get(10, TimeUnit.SECONDS);
            assertThat(reply.getError()).isNull();
            samples.add((TurnResult) reply.getResult());
        }

        // Then
        assertThat(samples).extracting(r -> r.getTurn().getCalls().get(0).getArguments()).containsExactly(
                "{\"customer_email\":\"anna@example.com\"}",
                "{\"customer_email\":\"anna@example.com\"}",
                "{\"customer_email\":\"anna.k@example.com\"}");
        assertThat(samples.get(0).getTurn()).isEqualTo(samples.get(1).getTurn());
        assertThat(samples.get(2).getTurn()).isNotEqualTo(samples.get(0).getTurn());
        final Set<Long> seeds = new HashSet<>(server.requests().stream().map(Received::seed).toList());
        assertThat(seeds).containsExactlyInAnyOrder(base, base + 1, base + 2);
        assertThat(samples).extracting(r -> r.getTurn().getCalls().get(0).getName()).containsOnly("find_payment");
    }

    private LlmReply answer(final LlmRequest request) throws Exception {
        return backend.answer(request).get(10, TimeUnit.SECONDS);
    }
}
