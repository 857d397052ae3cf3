package io.toolace.stream.llm.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.llm.procedural.sdg.SchemaCheck;
import io.toolace.stream.llm.procedural.sdg.ToolSimulator;
import io.toolace.stream.llm.procedural.sdg.ValueForge;
import io.toolace.stream.llm.procedural.tss.ApiForge;
import io.toolace.stream.llm.procedural.tss.Speciator;
import io.toolace.stream.llm.simulator.PromptReader.Call;
import io.toolace.stream.llm.simulator.PromptReader.Prompt;
import io.toolace.stream.llm.simulator.PromptReader.Result;
import io.toolace.stream.llm.simulator.PromptReader.Tool;
import io.toolace.stream.llm.simulator.PromptReader.Turn;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiGenerationInput;
import io.toolace.stream.records.ContextNode;
import io.toolace.stream.records.NodeLevel;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.SeedDocument;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The simulator's answers: for each agent task, a JSON object of the shape its template asks for,
 * made from what the prompt holds, the way a capable model would answer. Speciation and API
 * generation reuse the procedural {@link Speciator} and {@link ApiForge}; tool results follow the
 * response schema through the procedural {@link ToolSimulator}; judges pass.
 *
 * <p>The dialog agents talk through the text alone, as LLM agents do. The user states each value
 * as {@code the <parameter words> is <JSON value>} after a phrase taken from the tool's
 * description; the assistant finds the tool by that phrase and reads the values back, so its calls
 * follow from the conversation and the N samples of one consistency vote agree. Requests of a
 * parallel dialog are joined by {@code ". Also, "}, the two steps of a dependent one by
 * {@code ". Then, "}; a dependent second step takes same-named fields of the first result.
 */
final class SimulatedAgents {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALSO = ". Also, ";
    private static final String THEN = ". Then, ";
    /** Chance that the user also states an optional value. */
    private static final double OPTIONAL_SHARE = 0.3;
    private static final int SUMMARY_FIELDS = 4;
    private static final List<String[]> SMALL_TALK = List.of(
            new String[] {"What is a good way to remember new vocabulary when learning a language?",
                "Spaced repetition works well: review new words after a day, then after a few days, then weekly,"
                        + " and use each word in a sentence of your own."},
            new String[] {"Can you explain what compound interest is in simple terms?",
                "Compound interest means you earn interest on the interest too: each period the interest is added"
                        + " to the balance, so the next period's interest is computed on a larger amount."},
            new String[] {"Any tips for staying focused while working from home?",
                "Keep a fixed start time and a separate work spot, plan the day's three main tasks in the morning,"
                        + " and take a short break away from the screen every hour."},
            new String[] {"Why is the sky blue?",
                "Sunlight is scattered by the molecules of the air, and blue light, with its shorter wavelength,"
                        + " is scattered much more than red, so blue reaches our eyes from every direction."});

    private final PromptReader reader;
    private final Speciator speciator = new Speciator();
    private final ApiForge forge = new ApiForge();

    SimulatedAgents(final PromptReader reader) {
        this.reader = reader;
    }

    /** The answer to a recognised prompt. */
    ObjectNode answer(final Prompt prompt, final SplittableRandom rnd) {
        switch (prompt.task()) {
            case EXTRACT_DOMAINS: return speciation(prompt);
            case GENERATE_API: return api(prompt, rnd);
            case USER_TURN: return user(prompt, rnd);
            case ASSISTANT_TURN: return assistant(prompt);
            case TOOL_RESPONSE: return tool(prompt, rnd);
            default: return JSON.createObjectNode().put("passed", true).put("turn", -1)
                    .put("reason", "No problem found for " + prompt.task().name().toLowerCase(Locale.ROOT) + ".");
        }
    }

    // ---- TSS ------------------------------------------------------------------------------------------

    private ObjectNode speciation(final Prompt prompt) {
        final SeedDocument doc = PromptReader.document(prompt);
        final ObjectNode out = JSON.createObjectNode();
        final Map<String, ArrayNode> functionalities = new HashMap<>();
        final ArrayNode subs = out.putArray("subdomains");
        for (final ContextNode node : speciator.speciate(doc).nodes()) {
            if (node.getLevel() == NodeLevel.DOMAIN) {
                out.put("domain", node.getName()).put("description", node.getDescription());
            } else if (node.getLevel() == NodeLevel.SUBDOMAIN) {
                functionalities.put(node.getId(), subs.addObject().put("name", node.getName())
                        .put("description", node.getDescription()).putArray("functionalities"));
            } else if (functionalities.containsKey(node.getParentId())) {
                functionalities.get(node.getParentId()).addObject().put("name", node.getName())
                        .put("description", node.getDescription());
            }
        }
        if (subs.isEmpty()) {
            // A document the procedural speciator finds nothing in still names something: a model would answer.
            final String title = doc.getTitle().isBlank() ? "General" : doc.getTitle().strip();
            out.put("domain", title).put("description", "What " + title + " describes.");
            subs.addObject().put("name", "Overview").put("description", "The document as a whole.")
                    .putArray("functionalities").addObject().put("name", "look up " + title.toLowerCase(Locale.ROOT))
                    .put("description", "Returns the information the document gives on " + title + ".");
        }
        return out;
    }

    private ObjectNode api(final Prompt prompt, final SplittableRandom rnd) {
        final ApiGenerationInput input = reader.generationInput(prompt);
        final ApiDefinition api = forge.generate(input, rnd).getApis().get(0);
        String name = api.getName();
        if (input.getExample() != null && name.equalsIgnoreCase(input.getExample().getName())) {
            name = name + "_v2";
        }
        final ObjectNode out = JSON.createObjectNode().put("name", name).put("description", api.getDescription());
        out.set("parameters", tree(api.getParameters()));
        out.set("response", tree(api.getResponse()));
        return out;
    }

    // ---- user -----------------------------------------------------------------------------------------

    private ObjectNode user(final Prompt prompt, final SplittableRandom rnd) {
        final List<Tool> tools = PromptReader.tools(prompt.value("tools"));
        final String type = prompt.value("dialog_type");
        final String situation = prompt.value("situation");
        final String text;
        if (reader.section(AgentTask.USER_TURN, "situation:supply", situation).isPresent()) {
            text = supply(tools, PromptReader.turns(prompt.value("dialog")), rnd);
        } else {
            final int request = Integer.parseInt(prompt.value("answered").strip());
            text = request(tools, type, request, rnd);
        }
        return JSON.createObjectNode().put("text", text);
    }

    private static String request(final List<Tool> tools, final String type, final int request,
            final SplittableRandom rnd) {
        if (type.equals("NON_TOOL") || tools.isEmpty()) {
            return SMALL_TALK.get(Math.floorMod(request + rnd.nextInt(SMALL_TALK.size()), SMALL_TALK.size()))[0];
        }
        final Tool first = tools.get(Math.floorMod(request, tools.size()));
        final Tool second = tools.size() > 1 ? tools.get(Math.floorMod(request + 1, tools.size())) : first;
        switch (type) {
            case "PARALLEL":
                return "Please " + clause(first, values(first, rnd, null, false)) + ALSO
                        + clause(second, values(second, rnd, null, false)) + ".";
            case "DEPENDENT":
                return "Please " + clause(first, values(first, rnd, null, false)) + THEN
                        + clause(second, values(second, rnd, null, true)) + ".";
            case "CLARIFY":
                final List<String> required = required(first);
                return "Please " + clause(first, values(first, rnd,
                        required.isEmpty() ? null : required.get(required.size() - 1), false)) + ".";
            default:
                return "Please " + clause(first, values(first, rnd, null, false)) + ".";
        }
    }

    /**
     * Values for a call of {@code tool}: every required one but {@code leftOut}, some optional ones;
     * a dependent second step leaves out identifiers, which the first step's result is to supply.
     */
    private static ObjectNode values(final Tool tool, final SplittableRandom rnd, final String leftOut,
            final boolean secondStep) {
        final ObjectNode values = JSON.createObjectNode();
        final List<String> required = required(tool);
        for (final Iterator<Map.Entry<String, JsonNode>> it = tool.parameters().path("properties").fields();
                it.hasNext(); ) {
            final Map.Entry<String, JsonNode> parameter = it.next();
            final String name = parameter.getKey();
            final boolean wanted = required.contains(name) ? !name.equals(leftOut) && !(secondStep && isIdentifier(name))
                    : rnd.nextDouble() < OPTIONAL_SHARE;
            if (wanted) {
                forge(name, parameter.getValue(), rnd).ifPresent(value -> values.set(name, value));
            }
        }
        return values;
    }

    private static Optional<JsonNode> forge(final String name, final JsonNode schema, final SplittableRandom rnd) {
        try {
            return Optional.of(ValueForge.value(name, schema, OPTIONAL_SHARE, rnd));
        } catch (final IllegalArgumentException e) {
            // A schema no value satisfies: the user leaves the value out, and the assistant will ask for it.
            return Optional.empty();
        }
    }

    /** The value the assistant's last question asks for. */
    private static String supply(final List<Tool> tools, final List<Turn> spoken, final SplittableRandom rnd) {
        final String question = spoken.isEmpty() ? "" : spoken.get(spoken.size() - 1).text();
        for (final Tool tool : tools) {
            for (final Iterator<Map.Entry<String, JsonNode>> it = tool.parameters().path("properties").fields();
                    it.hasNext(); ) {
                final Map.Entry<String, JsonNode> parameter = it.next();
                if (question.contains("the " + words(parameter.getKey()) + "?")) {
                    final Optional<JsonNode> value = forge(parameter.getKey(), parameter.getValue(), rnd);
                    if (value.isPresent()) {
                        return "Sure, " + statement(parameter.getKey(), value.get()) + ".";
                    }
                }
            }
        }
        return "Sorry, I do not have that at hand; please go ahead without it.";
    }

    private static String clause(final Tool tool, final ObjectNode values) {
        final List<String> parts = new ArrayList<>();
        values.fields().forEachRemaining(e -> parts.add(statement(e.getKey(), e.getValue())));
        return purpose(tool) + (parts.isEmpty() ? "" : ": " + String.join(", ", parts));
    }

    private static String statement(final String parameter, final JsonNode value) {
        return "the " + words(parameter) + " is " + value;
    }

    // ---- assistant ------------------------------------------------------------------------------------

    /** What one step of the current request calls, or which required value it still lacks. */
    private record Step(Tool tool, ObjectNode arguments, List<String> thinking, String missing) {}

    private ObjectNode assistant(final Prompt prompt) {
        final List<Tool> tools = PromptReader.tools(prompt.value("tools"));
        final String type = prompt.value("dialog_type");
        final List<Turn> turns = PromptReader.turns(prompt.value("dialog"));
        final boolean lastRequest = prompt.value("request_number").strip().equals(prompt.value("target").strip());
        final List<Turn> current = turns.subList(currentRequestStart(turns, type), turns.size());
        final List<String> said = current.stream().filter(t -> t.role() == Role.USER).map(Turn::text).toList();
        if (said.isEmpty()) {
            return text(List.of("need_tool: no", "reason: no request to answer"), "How can I help you today?", false);
        }
        if (type.equals("NON_TOOL")) {
            return text(List.of("need_tool: no", "reason: no listed tool serves this request, answered directly"),
                    smallTalkAnswer(said.get(0)), lastRequest);
        }
        final Turn last = current.get(current.size() - 1);
        final List<Turn> callTurns = current.stream().filter(t -> !t.calls().isEmpty()).toList();
        final String[] clauses = said.get(0).split(type.equals("DEPENDENT") ? "\\. Then, " : "\\. Also, ");
        if (last.role() == Role.TOOL && (!type.equals("DEPENDENT") || callTurns.size() >= clauses.length)) {
            return text(List.of("need_tool: no", "answer: summarise the results of " + String.join(", ",
                    last.results().stream().map(Result::name).toList())), summary(current), lastRequest);
        }
        final List<Result> earlier = current.stream().flatMap(t -> t.results().stream()).toList();
        final List<Step> steps = new ArrayList<>();
        for (int c = type.equals("DEPENDENT") ? callTurns.size() : 0; c < clauses.length; c++) {
            final List<String> sources = new ArrayList<>(said.subList(1, said.size()));
            sources.add(0, clauses[c]);
            final Optional<Tool> tool = pick(tools, clauses[c], sources);
            if (tool.isPresent()) {
                steps.add(step(tool.get(), sources, earlier));
            }
            if (type.equals("DEPENDENT")) {
                break;
            }
        }
        if (steps.isEmpty()) {
            return text(List.of("need_tool: no", "reason: none of the tools serves this request"),
                    "I am sorry, none of the tools I have can do that.", lastRequest);
        }
        final List<String> thinking = new ArrayList<>(List.of("need_tool: yes"));
        for (final Step step : steps) {
            thinking.addAll(step.thinking());
            if (step.missing() != null) {
                return text(thinking, "Could you tell me the " + words(step.missing()) + "?", false);
            }
        }
        final ObjectNode out = JSON.createObjectNode();
        out.set("thinking", JSON.valueToTree(thinking));
        final ArrayNode calls = out.putArray("calls");
        steps.forEach(step -> calls.addObject().put("name", step.tool().name()).set("arguments", step.arguments()));
        return out.put("text", "").put("finished", false);
    }

    /**
     * Where the request being worked on starts: after the last answer, an assistant message that follows
     * tool results or, when it does not ask a question, follows the user.
     */
    private static int currentRequestStart(final List<Turn> turns, final String type) {
        for (int i = turns.size() - 1; i > 0; i--) {
            final Turn turn = turns.get(i);
            if (turn.role() == Role.ASSISTANT && turn.calls().isEmpty()
                    && (turns.get(i - 1).role() == Role.TOOL || type.equals("NON_TOOL") || !turn.text().endsWith("?"))) {
                return i + 1;
            }
        }
        return 0;
    }

    /** The tool whose purpose the clause names, else the one most of whose values the user stated. */
    private static Optional<Tool> pick(final List<Tool> tools, final String clause, final List<String> sources) {
        final String lower = clause.toLowerCase(Locale.ROOT);
        Tool best = null;
        int bestHits = 0;
        for (final Tool tool : tools) {
            if (lower.contains(purpose(tool).toLowerCase(Locale.ROOT))) {
                return Optional.of(tool);
            }
            int hits = 0;
            for (final Iterator<String> it = tool.parameters().path("properties").fieldNames(); it.hasNext(); ) {
                hits += stated(it.next(), sources).isPresent() ? 1 : 0;
            }
            if (hits > bestHits) {
                best = tool;
                bestHits = hits;
            }
        }
        return Optional.ofNullable(best);
    }

    private static Step step(final Tool tool, final List<String> sources, final List<Result> earlier) {
        final ObjectNode arguments = JSON.createObjectNode();
        final List<String> thinking = new ArrayList<>(List.of("api: " + tool.name()));
        final List<String> required = required(tool);
        String missing = null;
        for (final Iterator<Map.Entry<String, JsonNode>> it = tool.parameters().path("properties").fields();
                it.hasNext(); ) {
            final Map.Entry<String, JsonNode> parameter = it.next();
            final String name = parameter.getKey();
            final String kind = required.contains(name) ? "required: " : "optional: ";
            final Optional<Found> fromResult = fromResults(name, parameter.getValue(), earlier);
            final Optional<JsonNode> fromUser = stated(name, sources)
                    .filter(value -> SchemaCheck.conforms(parameter.getValue(), value));
            if (fromResult.isPresent()) {
                arguments.set(name, fromResult.get().node());
                thinking.add(kind + name + " <- result of " + fromResult.get().tool());
            } else if (fromUser.isPresent()) {
                arguments.set(name, fromUser.get());
                thinking.add(kind + name + " <- user");
            } else if (required.contains(name) && missing == null) {
                missing = name;
                thinking.add(kind + name + " not stated -> ask the user");
            }
        }
        return new Step(tool, arguments, thinking, missing);
    }

    private record Found(JsonNode node, String tool) {}

    /** A same-named top-level field of an earlier result of this request that the parameter accepts. */
    private static Optional<Found> fromResults(final String parameter, final JsonNode schema, final List<Result> results) {
        for (final Result result : results) {
            final JsonNode value = result.value().get(parameter);
            if (value != null && !value.isNull() && SchemaCheck.conforms(schema, value)) {
                return Optional.of(new Found(value, result.name()));
            }
        }
        return Optional.empty();
    }

    /** The value the user stated for a parameter, the latest statement winning. */
    private static Optional<JsonNode> stated(final String parameter, final List<String> sources) {
        final String marker = "the " + words(parameter) + " is ";
        Optional<JsonNode> found = Optional.empty();
        for (final String source : sources) {
            for (int at = source.indexOf(marker); at >= 0; at = source.indexOf(marker, at + 1)) {
                final Optional<PromptReader.Value> value = PromptReader.jsonAt(source, at + marker.length());
                if (value.isPresent()) {
                    found = Optional.of(value.get().node());
                }
            }
        }
        return found;
    }

    private static String summary(final List<Turn> current) {
        final List<String> parts = new ArrayList<>();
        for (final Turn turn : current) {
            for (final Result result : turn.results()) {
                final List<String> facts = new ArrayList<>();
                result.value().fields().forEachRemaining(field -> {
                    if (facts.size() < SUMMARY_FIELDS && field.getValue().isValueNode() && !field.getValue().isNull()) {
                        facts.add("the " + words(field.getKey()) + " is " + field.getValue().asText());
                    }
                });
                parts.add(facts.isEmpty() ? words(result.name()) + " completed"
                        : "from " + words(result.name()) + ", " + String.join(", ", facts));
            }
        }
        return "Here is what I found: " + String.join("; and ", parts) + ".";
    }

    private static String smallTalkAnswer(final String question) {
        for (final String[] pair : SMALL_TALK) {
            if (question.contains(pair[0])) {
                return pair[1];
            }
        }
        return "That is a good question; I cannot look it up with my tools, but I am happy to think it through with you.";
    }

    private static ObjectNode text(final List<String> thinking, final String text, final boolean finished) {
        final ObjectNode out = JSON.createObjectNode();
        out.set("thinking", JSON.valueToTree(thinking));
        out.putArray("calls");
        return out.put("text", text).put("finished", finished);
    }

    // ---- tool -----------------------------------------------------------------------------------------

    private static ObjectNode tool(final Prompt prompt, final SplittableRandom rnd) {
        final List<Tool> tools = PromptReader.tools(prompt.value("tools"));
        final ObjectNode out = JSON.createObjectNode();
        final ArrayNode results = out.putArray("results");
        for (final Call call : PromptReader.numberedCalls(prompt.value("calls"))) {
            final Optional<Tool> tool = tools.stream().filter(t -> t.name().equals(call.name())).findFirst();
            JsonNode result;
            try {
                result = tool.isEmpty() ? JSON.createObjectNode().put("error", "unknown function " + call.name())
                        : ToolSimulator.simulate(tool.get().response(), call.arguments(), rnd);
            } catch (final IllegalArgumentException e) {
                // A response schema no value satisfies: answer as an untyped endpoint would.
                result = ToolSimulator.simulate(JSON.createObjectNode(), call.arguments(), rnd);
            }
            results.addObject().put("name", call.name()).set("results", result);
        }
        return out;
    }

    // ---- words ----------------------------------------------------------------------------------------

    private static List<String> required(final Tool tool) {
        final List<String> required = new ArrayList<>();
        tool.parameters().path("required").forEach(name -> required.add(name.asText()));
        return required;
    }

    private static boolean isIdentifier(final String parameter) {
        final String words = words(parameter);
        return words.equals("id") || words.endsWith(" id");
    }

    /**
     * What the user asks a tool for, from its description: "Finds a payment by email." becomes
     * "find a payment by email"; a description that does not start with a verb gives "use the ...".
     */
    static String purpose(final Tool tool) {
        final String description = tool.description().strip();
        final int end = description.indexOf(". ");
        final String sentence = (end < 0 ? description : description.substring(0, end)).replaceAll("[.!]+$", "");
        final int space = sentence.indexOf(' ');
        if (space < 0) {
            return "use the " + words(tool.name()) + " service";
        }
        final String verb = sentence.substring(0, space).toLowerCase(Locale.ROOT);
        final String base;
        if (verb.endsWith("ies")) {
            base = verb.substring(0, verb.length() - 3) + "y";
        } else if (verb.matches(".*(ches|shes|sses|xes|zes)")) {
            base = verb.substring(0, verb.length() - 2);
        } else if (verb.endsWith("s") && !verb.endsWith("ss")) {
            base = verb.substring(0, verb.length() - 1);
        } else {
            return "use the " + words(tool.name()) + " service";
        }
        return base + sentence.substring(space);
    }

    /** Spaced lower-case words of an identifier: {@code departure_date}, {@code maxResults} -> "departure date", "max results". */
    static String words(final String identifier) {
        return identifier.replaceAll("([a-z0-9])([A-Z])", "$1 $2").replaceAll("[_\\-.\\s]+", " ").strip()
                .toLowerCase(Locale.ROOT);
    }

    private static JsonNode tree(final String json) {
        try {
            return JSON.readTree(json);
        } catch (final JsonProcessingException e) {
            return JSON.createObjectNode();
        }
    }
}
