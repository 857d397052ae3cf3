package io.toolace.stream.verify;

import io.toolace.stream.format.BoundedCache;
import io.toolace.stream.format.CallSyntax;
import io.toolace.stream.format.SameInstance;
import io.toolace.stream.format.ToolSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * API-definition rules: {@link Rule#API_NAME_INVALID}, {@link Rule#API_DESCRIPTION_MISSING},
 * {@link Rule#API_SCHEMA_INVALID} and {@link Rule#API_DUPLICATE_NAME}. The API pool checks each
 * candidate API with {@link #check(ToolSpec)}; the verifier checks a sample's tool list.
 */
public final class ApiRules {

    private static final int MAX_PROBLEMS_SHOWN = 5;
    /**
     * Compiled tools kept, per generation of the cache. Datasets and the pipeline repeat a pool's tools
     * across many samples; 8,192 (some tens of MB of schemas) cover the pipeline's pool of its first
     * generation, and a dataset of distinct tools only ages entries out.
     */
    private static final int CACHED_TOOLS = 8_192;
    private static final BoundedCache<ToolKey, CompiledTool> COMPILED = new BoundedCache<>(CACHED_TOOLS);
    /**
     * The same, by the spec instance: the pipeline keeps one spec per API and hands it to sample after sample,
     * where hashing its schema trees for a {@link ToolKey} was 3.7% of a run's CPU.
     */
    private static final BoundedCache<SameInstance<ToolSpec>, CompiledTool> COMPILED_SPECS =
            new BoundedCache<>(CACHED_TOOLS);

    private ApiRules() {}

    /**
     * A tool with its compiled parameter schema ({@code null} when the tool takes none) and its
     * definition problems under every rule, filtered by each sample's configuration when reported.
     */
    record CompiledTool(ToolSpec spec, ParamSchema parameters, List<Problem> problems) {}

    /** One definition problem of a tool, reported at turn -1. */
    record Problem(Rule rule, String message) {}

    /** The failures of one API definition (turn -1), under all rules. */
    public static List<Failure> check(final ToolSpec tool) {
        // Not through the cache: the pool checks each candidate once, and candidates would only push out
        // the tools that samples repeat.
        final List<Failure> failures = new ArrayList<>(0);
        for (final Problem problem : compile(tool).problems()) {
            failures.add(Failure.of(problem.rule(), -1, problem.message()));
        }
        return failures;
    }

    /** The failures of a tool list (turn -1): each definition, and names declared twice. */
    public static List<Failure> check(final List<ToolSpec> tools) {
        final Findings findings = new Findings(RuleConfig.DEFAULTS);
        compileAll(tools, findings);
        return findings.failures();
    }

    /** Compiles a sample's tools by name, reporting definition problems. The first of two same-named tools wins. */
    static Map<String, CompiledTool> compileAll(final List<ToolSpec> tools, final Findings findings) {
        final Map<String, CompiledTool> byName = new HashMap<>(Math.max(4, tools.size() * 2));
        final Set<String> reported = new HashSet<>();
        for (final ToolSpec tool : tools) {
            final CompiledTool compiled = compile(tool, findings);
            if (tool.name() == null) {
                continue;
            }
            if (byName.putIfAbsent(tool.name(), compiled) != null && reported.add(tool.name())) {
                findings.add(Rule.API_DUPLICATE_NAME, -1, "tool '" + tool.name() + "' is declared more than once");
            }
        }
        return byName;
    }

    /** The tool compiled, from the cache when a tool of the same definition was compiled before; its problems go to findings. */
    static CompiledTool compile(final ToolSpec tool, final Findings findings) {
        final CompiledTool compiled = COMPILED_SPECS.get(new SameInstance<>(tool), same -> {
            final ToolKey key = ToolKey.of(tool);
            return key == null ? compile(tool) : COMPILED.get(key, k -> compile(k.tool()));
        });
        for (final Problem problem : compiled.problems()) {
            findings.add(problem.rule(), -1, problem.message());
        }
        return compiled;
    }

    private static CompiledTool compile(final ToolSpec tool) {
        final List<Problem> found = new ArrayList<>(0);
        final String label = tool.name() == null ? "a tool" : "tool '" + tool.name() + "'";
        if (tool.name() == null || tool.name().isBlank()) {
            found.add(new Problem(Rule.API_NAME_INVALID, label + " has no name"));
        } else if (!CallSyntax.isCallableName(tool.name())) {
            found.add(new Problem(Rule.API_NAME_INVALID, label + ": the name cannot be written as a call (it has brackets, "
                    + "control characters, surrounding spaces, a leading comma or a '(' that reads as an argument list)"));
        }
        if (tool.description() == null || tool.description().isBlank()) {
            found.add(new Problem(Rule.API_DESCRIPTION_MISSING, label + " has no description"));
        }
        if (tool.parameters() == null) {
            // A tool without parameters takes no arguments; OpenAI lets the schema be left out then.
            return new CompiledTool(tool, null, List.copyOf(found));
        }
        final List<String> problems = new ArrayList<>(0);
        final ParamSchema parameters = ParamSchema.compile(tool.parameters(), "", problems);
        if (parameters.properties() != null) {
            // A call passes each parameter as a keyword argument: a name no keyword can spell makes the tool uncallable.
            final List<String> unwritable = parameters.properties().keySet().stream().filter(name -> !CallSyntax.isKeyword(name)).toList();
            if (!unwritable.isEmpty()) {
                found.add(new Problem(Rule.API_NAME_INVALID, label + ": parameter " + unwritable.stream().map(name -> "'" + name + "'")
                        .collect(Collectors.joining(", ")) + " cannot be written as a keyword argument (empty, or with a space, "
                        + "quote, bracket, '=' or ',')"));
            }
        }
        if (parameters.types() != JsonType.ANY && parameters.types() != JsonType.OBJECT.bit()) {
            problems.add("parameters are of type " + JsonType.describe(parameters.types()) + ", expected an object schema");
        }
        if (tool.response() != null && !tool.response().isObject()) {
            problems.add("the response schema is " + JsonType.describeValue(tool.response()) + ", expected an object");
        }
        if (!problems.isEmpty()) {
            found.add(new Problem(Rule.API_SCHEMA_INVALID, label + ": " + summary(problems)));
        }
        return new CompiledTool(tool, parameters, List.copyOf(found));
    }

    private static String summary(final List<String> problems) {
        if (problems.size() <= MAX_PROBLEMS_SHOWN) {
            return String.join("; ", problems);
        }
        return String.join("; ", problems.subList(0, MAX_PROBLEMS_SHOWN)) + "; and " + (problems.size() - MAX_PROBLEMS_SHOWN) + " more";
    }
}
