package io.toolace.stream.llm.openai;

import static io.toolace.stream.llm.openai.Fixtures.ASK_REFUND;
import static io.toolace.stream.llm.openai.Fixtures.REFUND_DIALOG;
import static io.toolace.stream.llm.openai.Fixtures.draft;
import static io.toolace.stream.llm.openai.Fixtures.request;
import static io.toolace.stream.llm.openai.Fixtures.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.llm.openai.FakeOpenAiServer.Reply;
import io.toolace.stream.llm.procedural.sdg.ProceduralJudges;
import io.toolace.stream.records.Agent;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.JudgeResult;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The four model-layer judges against the fake server: verdicts under the procedural judges' rule ids. */
class JudgeTasksTest {

    private FakeOpenAiServer server;
    private OpenAiBackend backend;

    @BeforeEach
    void start() {
        server = FakeOpenAiServer.start();
        backend = new OpenAiBackend(OpenAiEndpoint.of(server.baseUrl(), "judge-model")
                .withRequestTimeout(Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() {
        backend.close();
        server.close();
    }

    static Stream<Arguments> judges() {
        return Stream.of(
                Arguments.of(AgentTask.JUDGE_HALLUCINATION, ProceduralJudges.HALLUCINATION, "made up argument values",
                        "## System prompt\nYou are an expert in composing functions.", 3,
                        "payment_id pay_8Kd2 of refund_payment appears in no earlier turn"),
                Arguments.of(AgentTask.JUDGE_CONSISTENCY, ProceduralJudges.INCONSISTENT, "complete what the user asked",
                        "ignores a constraint the user stated", 5,
                        "the answer says 49.99 EUR was refunded but the refund result shows no currency"),
                Arguments.of(AgentTask.JUDGE_TOOL_RESPONSE, ProceduralJudges.TOOL_RESPONSE_MISMATCH,
                        "simulated tool responses", "\"enum\":[\"pending\",\"succeeded\",\"failed\"]", 4,
                        "refund_payment returned amount 5999, more than the payment's 4999"),
                Arguments.of(AgentTask.JUDGE_REPETITIVE, ProceduralJudges.REPETITIVE, "empty, filler, looping",
                        "repeats an earlier assistant message", 5, "the summary repeats itself"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("judges")
    void failingVerdictCarriesTheRuleTurnAndReason(final AgentTask task, final String rule, final String systemWords,
            final String userWords, final int turn, final String reason) throws Exception {
        // Given
        server.enqueue(Reply.answer("{\"passed\": false, \"turn\": " + turn + ", \"reason\": \"" + reason + "\"}"));

        // When
        final LlmReply reply = answer(request(task, sample(REFUND_DIALOG), 0, 0));

        // Then
        assertThat(reply.getError()).isNull();
        assertThat(reply.getResult()).isEqualTo(new JudgeResult(rule, false, turn, reason));
        assertThat(server.requests().get(0).message("system")).contains(systemWords).contains("JSON");
        assertThat(server.requests().get(0).message("user"))
                .contains(userWords)
                .contains("## Dialog (DEPENDENT)")
                .contains("[0] user: Hi, it's anna@example.com.")
                .contains("[3] assistant calls: refund_payment({\"payment_id\":\"pay_8Kd2\"})")
                .contains("[5] assistant: I found your payment pay_8Kd2 of 49.99 EUR and refunded it in full.\n"
                        + "    Refund re_31Qa is pending.")
                .contains("(0 to 5)")
                .doesNotContain("{{");
    }

    @Test
    void passingVerdictHasNoTurn() throws Exception {
        // Given: a judge that names a turn anyway
        server.enqueue(Reply.answer("{\"passed\": true, \"turn\": 2, \"reason\": \"every value is grounded\"}"),
                Reply.answer("```json\n{\"passed\": true}\n```"));

        // When
        final LlmReply named = answer(request(AgentTask.JUDGE_HALLUCINATION, sample(REFUND_DIALOG), 0, 0));
        final LlmReply bare = answer(request(AgentTask.JUDGE_REPETITIVE, sample(REFUND_DIALOG), 0, 0));

        // Then
        assertThat(named.getResult()).isEqualTo(
                new JudgeResult(ProceduralJudges.HALLUCINATION, true, -1, "every value is grounded"));
        assertThat(bare.getResult()).isEqualTo(new JudgeResult(ProceduralJudges.REPETITIVE, true, -1, ""));
    }

    @Test
    void failureWithoutATurnPointsAtNone() throws Exception {
        // Given
        server.enqueue(Reply.answer("{\"passed\": false, \"reason\": \"the dialog never answers the request\"}"));

        // When
        final LlmReply reply = answer(request(AgentTask.JUDGE_CONSISTENCY, sample(REFUND_DIALOG), 0, 0));

        // Then
        assertThat(reply.getResult()).isEqualTo(new JudgeResult(ProceduralJudges.INCONSISTENT, false, -1,
                "the dialog never answers the request"));
    }

    static Stream<Arguments> unusableVerdicts() {
        return Stream.of(
                Arguments.of("{\"turn\": 3, \"reason\": \"invented id\"}", "missing field 'passed'"),
                Arguments.of("{\"passed\": \"false\", \"turn\": 3, \"reason\": \"invented id\"}",
                        "field 'passed' is not true or false (got string)"),
                Arguments.of("{\"passed\": false, \"turn\": 3}", "verdict fails the sample without a reason"),
                Arguments.of("{\"passed\": false, \"turn\": 9, \"reason\": \"invented id\"}",
                        "verdict names turn 9, but the dialog has turns 0 to 5"),
                Arguments.of("{\"passed\": false, \"turn\": \"3\", \"reason\": \"invented id\"}",
                        "field 'turn' is not an integer (got string)"),
                Arguments.of("The dialog looks fine to me.", "answer is not JSON: no '{' in 28 chars (finish_reason=stop)"));
    }

    @ParameterizedTest
    @MethodSource("unusableVerdicts")
    void unusableVerdictIsAnErrorReply(final String answer, final String reason) throws Exception {
        // Given
        server.enqueue(Reply.answer(answer));

        // When
        final LlmReply reply = answer(request(AgentTask.JUDGE_HALLUCINATION, sample(REFUND_DIALOG), 0, 0));

        // Then
        assertThat(reply.getError()).isEqualTo("openai JUDGE_HALLUCINATION answer rejected: " + reason);
        assertThat(reply.getResult()).isNull();
        assertThat(reply.getRaw()).isEqualTo(answer);
    }

    @Test
    void judgeGivenADraftIsRejectedWithoutACall() throws Exception {
        // When
        final LlmReply reply = answer(request(AgentTask.JUDGE_CONSISTENCY,
                draft(DialogType.SINGLE, 1, Agent.DONE, List.of(ASK_REFUND)), 0, 0));

        // Then
        assertThat(reply.getError()).isEqualTo(
                "openai JUDGE_CONSISTENCY request rejected: payload is a DialogDraft, this task takes a Sample");
        assertThat(server.requests()).isEmpty();
    }

    private LlmReply answer(final LlmRequest request) throws Exception {
        return backend.answer(request).get(10, TimeUnit.SECONDS);
    }
}
