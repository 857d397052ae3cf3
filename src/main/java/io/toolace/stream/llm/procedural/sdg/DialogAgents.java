package io.toolace.stream.llm.procedural.sdg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.dialog.Samples;
import io.toolace.stream.format.BoundedCache;
import io.toolace.stream.llm.procedural.ProceduralSettings;
import io.toolace.stream.llm.procedural.sdg.DialogScript.Position;
import io.toolace.stream.llm.procedural.sdg.DialogScript.Step;
import io.toolace.stream.llm.procedural.sdg.FaultInjector.Injection;
import io.toolace.stream.llm.procedural.sdg.PlannedCall.Source;
import io.toolace.stream.records.Agent;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.FunctionCall;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.ToolResult;
import io.toolace.stream.records.Turn;
import io.toolace.stream.records.TurnResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The procedural user, assistant and tool agents of Self-Guided Dialog Generation (ToolACE, SDG).
 *
 * <p>Each method answers one agent request for a draft and returns the next turn. The agents never
 * parse each other's text: every request of the dialog has a hidden plan recomputed from the draft id
 * (see {@link DialogPlanner}), the draft's turn count says which step of which request is due (see
 * {@link DialogScript}), and only values that really flow through the dialog (a dependent call's input
 * taken from the previous result) are read from earlier turns. {@code rnd}, seeded by the caller from
 * the request, varies wording and simulated results; what the assistant calls is fixed by the plan, so
 * the N samples of one assistant action agree on their calls, as the paper's majority vote expects.
 *
 * <p>With probability {@code faultRate} a dialog carries one labelled fault ({@link Fault}), reported
 * in {@link TurnResult#getFaults()} of the turn that carries it.
 *
 * <p>Thread-safe and stateless apart from the settings.
 */
public final class DialogAgents {

    private final ProceduralSettings settings;
    /**
     * Planners by what their plans depend on. Every step of a dialog asks for the same request plans, and
     * making one (values that fit the schemas, a dependent link) costs more than the step that reads it; a
     * planner keeps the plans it made. Bounded, as drafts come and go.
     */
    private final BoundedCache<PlanInputs, DialogPlanner> planners = new BoundedCache<>(1_024);

    /**
     * What a dialog's plans are made from: all of the draft the planner reads, none of what a turn changes. The
     * tools as parsed specs, which {@link ApiSpec#of} shares by content: equal by identity, and cheap to compare.
     */
    private record PlanInputs(String dialogId, DialogType type, int targetTurns, String userInstruction,
            double complexity, List<ApiSpec> apis) {

        static PlanInputs of(final DialogDraft draft) {
            return new PlanInputs(draft.getId(), draft.getDialogType(), draft.getTargetTurns(),
                    draft.getUserInstruction(), draft.getComplexity(), ApiSpec.of(draft.getTools()));
        }
    }

    public DialogAgents(final ProceduralSettings settings) {
        this.settings = settings;
    }

    private DialogPlanner planner(final DialogDraft draft) {
        return planners.get(PlanInputs.of(draft), inputs -> new DialogPlanner(draft, inputs.apis(), settings.seed(),
                settings.mixedShare()));
    }

    /** The user's next message: a new request, or the value a clarifying question asked for. */
    public TurnResult userTurn(final DialogDraft draft, final SplittableRandom rnd) {
        final Dialog dialog = new Dialog(draft, Agent.USER, settings, planner(draft));
        final String text = dialog.position.step() == Step.REQUEST
                ? UserVoice.request(dialog.plan(), dialog.planner.persona(), dialog.position.request() > 0, rnd)
                : UserVoice.supply(dialog.plan(), dialog.planner.persona(), rnd);
        return new TurnResult(new Turn(Role.USER, text, List.of(), List.of(), List.of()), List.of(), false);
    }

    /**
     * The assistant's next turn: calls, a clarifying question, or a text answer; {@code finished} once
     * the last request is answered. The turn's thinking is the formalized thinking record.
     */
    public TurnResult assistantTurn(final DialogDraft draft, final SplittableRandom rnd) {
        final Dialog dialog = new Dialog(draft, Agent.ASSISTANT, settings, planner(draft));
        switch (dialog.position.step()) {
            case CALL: return calls(dialog);
            case ASK: return ask(dialog, rnd);
            default: return answer(dialog, rnd);
        }
    }

    /** The tool's results, one per call of the last assistant turn, following each API's response schema. */
    public TurnResult toolTurn(final DialogDraft draft, final SplittableRandom rnd) {
        final Dialog dialog = new Dialog(draft, Agent.TOOL, settings, planner(draft));
        final Turn callTurn = draft.getTurns().get(draft.getTurns().size() - 1);
        if (callTurn.getRole() != Role.ASSISTANT || callTurn.getCalls().isEmpty()) {
            throw new IllegalStateException("dialog " + draft.getId() + ": a tool turn must follow an assistant turn"
                    + " with calls, but the last turn is " + callTurn.getRole() + " without calls");
        }
        final List<ToolResult> results = new ArrayList<>(callTurn.getCalls().size());
        for (final FunctionCall call : callTurn.getCalls()) {
            results.add(new ToolResult(call.getName(), Json.write(ToolSimulator.result(dialog.apis, call, rnd))));
        }
        final List<String> faults = new ArrayList<>(1);
        dialog.injectionAt(Step.RESULT).ifPresent(injection -> {
            final int index = dialog.plan().type() == DialogType.DEPENDENT ? 0 : injection.call();
            if (injection.fault() == Fault.CONSIST_TOOL_NAME_MISMATCH) {
                results.set(index, new ToolResult(injection.parameter(), results.get(index).getResults()));
            } else {
                results.remove(results.size() - 1);
            }
            faults.add(injection.fault().name());
        });
        return new TurnResult(new Turn(Role.TOOL, null, List.of(), results, List.of()), faults, false);
    }

    // ---- assistant steps ------------------------------------------------------------------------

    private TurnResult calls(final Dialog dialog) {
        final RequestPlan plan = dialog.plan();
        final int step = dialog.position.callStep();
        final boolean dependent = plan.type() == DialogType.DEPENDENT;
        final List<String> thinking = new ArrayList<>();
        thinking.add("need_tool: yes");
        if (plan.type() == DialogType.PARALLEL) {
            thinking.add("parallel: " + plan.calls().size() + " independent calls in one turn");
        }
        if (dependent && step == 0) {
            thinking.add("plan: two steps; " + plan.calls().get(1).api().name() + " needs " + plan.link().parameter()
                    + " from the result of " + plan.calls().get(0).api().name());
        }
        final List<FunctionCall> calls = new ArrayList<>();
        final List<String> faults = new ArrayList<>(1);
        final Optional<Injection> injection = dialog.injectionAt(Step.CALL);
        final int first = dependent ? step : 0;
        final int last = dependent ? step : plan.calls().size() - 1;
        for (int i = first; i <= last; i++) {
            final PlannedCall planned = plan.calls().get(i);
            final ObjectNode arguments = arguments(dialog, planned, dependent && step == 1 ? plan.link() : null);
            thinking.addAll(thinking(planned, plan));
            String name = planned.api().name();
            if (injection.isPresent() && injection.get().call() == i) {
                name = dialog.injector.applyToCall(injection.get(), planned, arguments,
                        dialog.grounds(), dialog.planner.random("hallucination", plan.index()));
                faults.add(injection.get().fault().name());
            }
            calls.add(new FunctionCall(name, Json.write(arguments)));
        }
        return new TurnResult(new Turn(Role.ASSISTANT, null, calls, List.of(), thinking), faults, false);
    }

    /**
     * The call's arguments in declaration order; a linked parameter takes the value the first call's
     * actual result holds (the tool turn just before), which must be one the parameter accepts.
     */
    private static ObjectNode arguments(final Dialog dialog, final PlannedCall planned, final Link link) {
        final ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (final Map.Entry<String, Source> e : planned.sources().entrySet()) {
            if (e.getValue() == Source.LINKED) {
                out.set(e.getKey(), linkedValue(dialog, planned, link));
            } else if (planned.arguments().has(e.getKey())) {
                out.set(e.getKey(), planned.arguments().get(e.getKey()));
            }
        }
        return out;
    }

    private static JsonNode linkedValue(final Dialog dialog, final PlannedCall planned, final Link link) {
        final List<Turn> turns = dialog.draft.getTurns();
        final Turn tool = turns.get(turns.size() - 1);
        final String from = dialog.plan().calls().get(0).api().name();
        for (final ToolResult result : tool.getResults()) {
            if (result.getName().equals(from)) {
                final Optional<JsonNode> value = Json.tryParse(result.getResults()).flatMap(link::resolve);
                if (value.isPresent() && SchemaCheck.conforms(planned.api().schemaOf(link.parameter()), value.get())) {
                    return value.get();
                }
            }
        }
        throw new IllegalStateException("dialog " + dialog.draft.getId() + ": the result of " + from + " has no value at "
                + link.describe() + " that " + planned.api().name() + "." + link.parameter() + " accepts");
    }

    /** The formalized thinking for one call: which API, and where each parameter's value comes from. */
    private static List<String> thinking(final PlannedCall planned, final RequestPlan plan) {
        final List<String> lines = new ArrayList<>();
        lines.add("api: " + planned.api().name());
        for (final Map.Entry<String, Source> e : planned.sources().entrySet()) {
            final String p = e.getKey();
            final String kind = planned.api().isRequired(p) ? "required: " : "optional: ";
            switch (e.getValue()) {
                case USER:
                    lines.add(kind + p + " <- user" + (p.equals(plan.clarifyParameter()) ? " (asked for it)" : ""));
                    break;
                case DEFAULT:
                    lines.add(kind + p + " default");
                    break;
                case LINKED:
                    lines.add(kind + p + " <- result of " + plan.calls().get(0).api().name() + " ("
                            + plan.link().describe() + ")");
                    break;
                case EARLIER:
                    lines.add(kind + p + " <- earlier result (the user refers back to it)");
                    break;
                default:
                    lines.add(kind + p + " not given, left out");
                    break;
            }
        }
        return lines;
    }

    private static TurnResult ask(final Dialog dialog, final SplittableRandom rnd) {
        final PlannedCall planned = dialog.plan().calls().get(0);
        final List<String> thinking = new ArrayList<>(List.of("need_tool: yes", "api: " + planned.api().name()));
        final String missing = dialog.plan().clarifyParameter();
        final String text;
        if (missing == null) {
            thinking.add("required: none missing; confirm before calling");
            text = AssistantVoice.confirm(planned.api(), rnd);
        } else {
            thinking.add((planned.api().isRequired(missing) ? "required: " : "optional: ") + missing
                    + " not stated -> ask the user");
            text = AssistantVoice.ask(planned.api(), missing, rnd);
        }
        return new TurnResult(new Turn(Role.ASSISTANT, text, List.of(), List.of(), thinking), List.of(), false);
    }

    private static TurnResult answer(final Dialog dialog, final SplittableRandom rnd) {
        final List<String> thinking = new ArrayList<>(List.of("need_tool: no"));
        String text;
        if (dialog.plan().type() == DialogType.NON_TOOL) {
            final NonToolTopic topic = dialog.plan().topic();
            thinking.add(topic.kind() == NonToolTopic.Kind.OUT_OF_SCOPE
                    ? "reason: no available tool can " + topic.request()
                    : topic.kind() == NonToolTopic.Kind.KNOWLEDGE ? "reason: general knowledge, answered directly"
                    : "reason: chit-chat, answered directly");
            text = AssistantVoice.nonTool(topic, dialog.apis, rnd);
        } else {
            final List<Turn> turns = dialog.draft.getTurns();
            final Turn tool = turns.get(turns.size() - 1);
            final Turn called = turns.get(turns.size() - 2);
            final List<String> names = new ArrayList<>();
            tool.getResults().forEach(r -> names.add(r.getName()));
            thinking.add("answer: summarise the results of " + String.join(", ", names));
            final Optional<String> handOver = handOver(dialog, called);
            final String previous = previousAssistantText(turns);
            int variant = rnd.nextInt(AssistantVoice.variants());
            text = AssistantVoice.summary(called.getCalls(), tool.getResults(), handOver, dialog.position.lastRequest(),
                    variant, rnd);
            // A summary word-for-word like the previous assistant message reads as a repeat; vary the opening.
            for (int tries = 1; tries < AssistantVoice.variants() && Lexicon.normalised(text).equals(previous); tries++) {
                text = AssistantVoice.summary(called.getCalls(), tool.getResults(), handOver,
                        dialog.position.lastRequest(), ++variant, rnd);
            }
        }
        final List<String> faults = new ArrayList<>(1);
        if (dialog.injectionAt(Step.ANSWER).isPresent()) {
            text = "";
            faults.add(Fault.DIALOG_EMPTY_TURN.name());
        }
        return new TurnResult(new Turn(Role.ASSISTANT, text, List.of(), List.of(), thinking), faults,
                dialog.position.lastRequest());
    }

    /** For a dependent request, the sentence naming the value that went from the first result into the second call. */
    private static Optional<String> handOver(final Dialog dialog, final Turn called) {
        if (dialog.plan().type() != DialogType.DEPENDENT || called.getCalls().isEmpty()) {
            return Optional.empty();
        }
        final Link link = dialog.plan().link();
        if (link == null) {
            return Optional.empty();
        }
        return Json.tryParse(called.getCalls().get(0).getArguments())
                .map(arguments -> arguments.get(link.parameter()))
                .filter(JsonNode::isValueNode)
                .map(value -> "I took the " + Lexicon.humanize(link.field()) + " " + Json.prose(value) + " from "
                        + dialog.plan().calls().get(0).api().name() + " and passed it to "
                        + dialog.plan().calls().get(1).api().name() + ".");
    }

    private static String previousAssistantText(final List<Turn> turns) {
        for (int i = turns.size() - 1; i >= 0; i--) {
            final Turn t = turns.get(i);
            if (t.getRole() == Role.ASSISTANT && t.getCalls().isEmpty() && t.getText() != null) {
                return Lexicon.normalised(t.getText());
            }
        }
        return "";
    }

    // ---- per-request state ----------------------------------------------------------------------

    /**
     * What every agent derives from a draft: the tools, the position, and, on demand, the plan of the
     * current request and its fault (a tool turn of a clean request needs neither).
     */
    private static final class Dialog {
        final DialogDraft draft;
        final List<ApiSpec> apis;
        final DialogPlanner planner;
        final FaultInjector injector;
        final Position position;
        private RequestPlan plan;
        private Optional<Injection> injection = Optional.empty();

        Dialog(final DialogDraft draft, final Agent agent, final ProceduralSettings settings,
                final DialogPlanner planner) {
            this.draft = draft;
            this.position = DialogScript.locate(draft, agent, settings.mixedShare());
            this.apis = planner.apis();
            this.planner = planner;
            this.injector = new FaultInjector(draft, planner, apis, settings.faultRate());
        }

        RequestPlan plan() {
            if (plan == null) {
                final int request = position.request();
                final RequestPlan clean = planner.plan(request);
                injection = injector.at(clean);
                final RequestPlan effective = FaultInjector.effective(clean, injection);
                // A faulted request stays as planned, so that a follow-up value never masks its fault.
                if (injection.isEmpty() && planner.followsUp(request)) {
                    plan = FollowUp.apply(effective, draft.getTurns().subList(position.previousStart(), position.start()));
                } else {
                    plan = effective;
                }
            }
            return plan;
        }

        /** The fault, if this request carries one and it belongs to this step (the request's last call or result). */
        Optional<Injection> injectionAt(final Step step) {
            if (!injector.faulted(position.request())) {
                return Optional.empty();
            }
            plan();
            return injection.filter(i -> i.fault().step() == step && (step == Step.ANSWER || position.lastCall()));
        }

        Grounding grounds() {
            return Grounding.of(Samples.system(draft), draft.getTools(), draft.getTurns());
        }
    }
}
