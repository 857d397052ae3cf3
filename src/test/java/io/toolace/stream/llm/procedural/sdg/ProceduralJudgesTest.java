package io.toolace.stream.llm.procedural.sdg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.FunctionCall;
import io.toolace.stream.records.JudgeResult;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.ToolResult;
import io.toolace.stream.records.Turn;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProceduralJudgesTest {

    private static final String FORECAST = "{\"location\":\"Paris\",\"units\":\"metric\",\"forecast\":[{\"time\":\"2025-06-01T09:00:00Z\",\"temperature\":18.5}]}";

    private final ProceduralJudges judges = new ProceduralJudges();

    // ---- hallucination ------------------------------------------------------------------------

    @Test
    void valuesTheUserGaveOrTheApiDefaultsAreGrounded() {
        final JudgeResult r = judge(AgentTask.JUDGE_HALLUCINATION,
                user("What's the weather in paris for the next 12 hours?"),
                call("Get Hourly Forecast", "{\"location\":\"Paris\",\"hours\":12.0,\"units\":\"metric\"}"),
                tool("Get Hourly Forecast", FORECAST),
                assistant("Paris: temperature 18.5 at 2025-06-01T09:00:00Z."));
        assertThat(r.getPassed()).as(r.getReason()).isTrue();
        assertThat(r.getRule()).isEqualTo("MODEL_HALLUCINATION");
    }

    @Test
    void aValueNothingSupportsIsAHallucinationAtItsTurn() {
        final JudgeResult city = judge(AgentTask.JUDGE_HALLUCINATION, user("What's the weather in Paris?"),
                call("Get Hourly Forecast", "{\"location\":\"Lyon\"}"));
        assertThat(city.getPassed()).isFalse();
        assertThat(city.getTurn()).isEqualTo(1);
        assertThat(city.getReason()).contains("location = \"Lyon\"");

        final JudgeResult hours = judge(AgentTask.JUDGE_HALLUCINATION, user("Paris, next 12 hours please."),
                call("Get Hourly Forecast", "{\"location\":\"Paris\",\"hours\":13}"));
        assertThat(hours.getPassed()).isFalse();
        assertThat(hours.getReason()).contains("hours = 13");

        // "120" inside a flight number is not the number 120.
        final JudgeResult embedded = judge(AgentTask.JUDGE_HALLUCINATION, user("Book LH120 for me."),
                call("Get Hourly Forecast", "{\"location\":\"LH120\",\"hours\":120}"));
        assertThat(embedded.getPassed()).isFalse();
    }

    @Test
    void aValueFromAnEarlierToolResultIsGroundedButNotFromALaterOne() {
        final Turn search = tool("Search Flights", "{\"flights\":[{\"flight_id\":\"LH440\",\"price\":120.5}]}");
        assertThat(judge(AgentTask.JUDGE_HALLUCINATION, user("Find a flight and book it for Ann Lee."),
                call("Search Flights", "{}"), search, call("Book Flight", "{\"flight_id\":\"LH440\",\"name\":\"Ann Lee\"}"))
                .getPassed()).isTrue();
        assertThat(judge(AgentTask.JUDGE_HALLUCINATION, user("Book a flight for Ann Lee."),
                call("Book Flight", "{\"flight_id\":\"LH440\",\"name\":\"Ann Lee\"}"), search).getPassed()).isFalse();
    }

    @Test
    void nestedValuesAreCheckedAndFlagsAreExempt() {
        final Turn request = user("Book seats for Ann Lee (34) and Bob Stone (29).");
        assertThat(judge(AgentTask.JUDGE_HALLUCINATION, request, call("Book Flight",
                "{\"passengers\":[{\"name\":\"Ann Lee\",\"age\":34},{\"name\":\"Bob Stone\",\"age\":29}],\"insured\":true}"))
                .getPassed()).isTrue();
        final JudgeResult r = judge(AgentTask.JUDGE_HALLUCINATION, request, call("Book Flight",
                "{\"passengers\":[{\"name\":\"Ann Lee\",\"age\":34},{\"name\":\"Bob Stine\",\"age\":29}]}"));
        assertThat(r.getPassed()).isFalse();
        assertThat(r.getReason()).contains("passengers[1].name");
    }

    @Test
    void theSystemPromptGroundsValues() {
        final Sample s = sample(DialogType.SINGLE, List.of(user("Weather at the office, please."),
                call("Get Hourly Forecast", "{\"location\":\"Denver\"}")));
        assertThat(judges.judge(AgentTask.JUDGE_HALLUCINATION, s).getPassed()).isFalse();
        s.setSystem("The user's office is in Denver.");
        assertThat(judges.judge(AgentTask.JUDGE_HALLUCINATION, s).getPassed()).isTrue();
    }

    // ---- consistency --------------------------------------------------------------------------

    @Test
    void anAnswerThatQuotesTheResultsIsConsistent() {
        final JudgeResult r = judge(AgentTask.JUDGE_CONSISTENCY, user("Weather in Paris?"),
                call("Get Hourly Forecast", "{\"location\":\"Paris\"}"), tool("Get Hourly Forecast", FORECAST),
                assistant("In Paris it will be 18.5 degrees."));
        assertThat(r.getPassed()).as(r.getReason()).isTrue();
    }

    @Test
    void anAnswerThatIgnoresTheResultOrInventsANumberIsInconsistent() {
        final JudgeResult ignores = judge(AgentTask.JUDGE_CONSISTENCY, user("Weather in Paris?"),
                call("Get Hourly Forecast", "{\"location\":\"Paris\"}"), tool("Get Hourly Forecast", "{\"temperature\":18.5}"),
                assistant("It looks like a lovely day."));
        assertThat(ignores.getPassed()).isFalse();
        assertThat(ignores.getTurn()).isEqualTo(3);
        final JudgeResult invents = judge(AgentTask.JUDGE_CONSISTENCY, user("Weather in Paris?"),
                call("Get Hourly Forecast", "{\"location\":\"Paris\"}"), tool("Get Hourly Forecast", FORECAST),
                assistant("Paris: 18.5 degrees, and 40 percent chance of rain."));
        assertThat(invents.getPassed()).isFalse();
        assertThat(invents.getReason()).contains("states 40");
    }

    @Test
    void everyRequestNeedsAnAnswer() {
        assertThat(judge(AgentTask.JUDGE_CONSISTENCY, user("Weather in Paris?"),
                call("Get Hourly Forecast", "{\"location\":\"Paris\"}"), tool("Get Hourly Forecast", FORECAST))
                .getPassed()).isFalse();
        assertThat(judge(AgentTask.JUDGE_CONSISTENCY, user("Hi!"), user("Anyone there?"), assistant("Hello!"))
                .getReason()).contains("no answer before the next user turn");
        assertThat(judge(AgentTask.JUDGE_CONSISTENCY, user("Hi!"), assistant("  ")).getReason()).contains("empty");
    }

    // ---- tool responses -----------------------------------------------------------------------

    @Test
    void resultsMustFollowTheirApisResponseSchema() {
        final Turn request = user("Weather in Paris?");
        final Turn forecastCall = call("Get Hourly Forecast", "{\"location\":\"Paris\"}");
        assertThat(judge(AgentTask.JUDGE_TOOL_RESPONSE, request, forecastCall, tool("Get Hourly Forecast", FORECAST))
                .getPassed()).isTrue();
        assertThat(judge(AgentTask.JUDGE_TOOL_RESPONSE, request, forecastCall,
                tool("Get Hourly Forecast", "{\"location\":\"Paris\"}")).getReason()).contains("forecast is missing");
        assertThat(judge(AgentTask.JUDGE_TOOL_RESPONSE, request, forecastCall,
                tool("Get Hourly Forecast", "{\"location\":\"Paris\",\"forecast\":[{\"time\":\"soon\",\"temperature\":18}]}"))
                .getReason()).contains("not a valid date-time");
        assertThat(judge(AgentTask.JUDGE_TOOL_RESPONSE, request, forecastCall, tool("Weather Now", FORECAST))
                .getReason()).contains("no tool declares");
        assertThat(judge(AgentTask.JUDGE_TOOL_RESPONSE, request, forecastCall, tool("Get Hourly Forecast", "sunny"))
                .getReason()).contains("not JSON");
    }

    // ---- repetition ---------------------------------------------------------------------------

    @Test
    void repeatedEmptyOrFillerAnswersAreCaught() {
        assertThat(judge(AgentTask.JUDGE_REPETITIVE, user("Hi"), assistant("Hello! How can I help?"), user("Tell me a fact"),
                assistant("Honey never spoils.")).getPassed()).isTrue();
        final JudgeResult same = judge(AgentTask.JUDGE_REPETITIVE, user("Hi"), assistant("Hello! How can I help?"),
                user("Tell me a fact"), assistant("hello!  how can I help?"));
        assertThat(same.getPassed()).isFalse();
        assertThat(same.getTurn()).isEqualTo(3);
        assertThat(judge(AgentTask.JUDGE_REPETITIVE, user("Hi"), assistant("Ok.")).getReason()).contains("filler");
        assertThat(judge(AgentTask.JUDGE_REPETITIVE, user("Hi"), assistant("...")).getReason()).contains("no words");
        assertThat(judge(AgentTask.JUDGE_REPETITIVE, user("Hi"), assistant("the the the the result")).getReason())
                .contains("over and over");
    }

    @Test
    void onlyJudgeTasksAreAnswered() {
        assertThatThrownBy(() -> judges.judge(AgentTask.USER_TURN, sample(DialogType.SINGLE, List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("USER_TURN");
    }

    // ---- helpers ------------------------------------------------------------------------------

    private JudgeResult judge(final AgentTask task, final Turn... turns) {
        return judges.judge(task, sample(DialogType.SINGLE, List.of(turns)));
    }

    private static Sample sample(final DialogType type, final List<Turn> turns) {
        final Sample s = Fixtures.sample(Fixtures.draft("judged", type, 1, Fixtures.ALL, "", 0.5));
        s.setTurns(new ArrayList<>(turns));
        s.setSystem("");
        return s;
    }

    private static Turn user(final String text) {
        return new Turn(Role.USER, text, List.of(), List.of(), List.of());
    }

    private static Turn assistant(final String text) {
        return new Turn(Role.ASSISTANT, text, List.of(), List.of(), List.of());
    }

    private static Turn call(final String name, final String arguments) {
        return new Turn(Role.ASSISTANT, null, List.of(new FunctionCall(name, arguments)), List.of(), List.of());
    }

    private static Turn tool(final String name, final String results) {
        return new Turn(Role.TOOL, null, List.of(), List.of(new ToolResult(name, results)), List.of());
    }
}
