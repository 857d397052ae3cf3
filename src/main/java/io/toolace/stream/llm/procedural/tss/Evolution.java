package io.toolace.stream.llm.procedural.tss;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.llm.procedural.tss.ApiDraft.Field;
import io.toolace.stream.llm.procedural.tss.ApiDraft.Role;
import io.toolace.stream.llm.procedural.tss.Verbs.VerbClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Evolution: the paper's diversity indicators applied to an adapted draft, after the example's
 * style has been borrowed. Each indicator changes the API in a way a caller can see, so evolved
 * APIs differ from their ancestors in signature, not only in wording.
 */
final class Evolution {

    static final String ADD_FUNCTIONALITY = "ADD_FUNCTIONALITY";
    static final String ADD_PARAMETERS = "ADD_PARAMETERS";
    static final String ADD_CONSTRAINTS = "ADD_CONSTRAINTS";
    static final String MUTATE_TYPES = "MUTATE_TYPES";
    static final String UPDATE_RESULTS = "UPDATE_RESULTS";


    /** Nested parameter shapes MUTATE_TYPES introduces. */
    enum Shape { ARRAY_OF_ARRAYS, ARRAY_OF_OBJECTS, OBJECT_IN_OBJECT }

    /** Cross-cutting parameters an API may share with its example, by snake_case name. */
    static final List<String> SHARED_PARAMETERS = List.of(
            "limit", "offset", "page", "page_size", "cursor", "sort_by", "sort_order", "language", "units",
            "timezone", "fields", "format", "include_metadata", "callback_url", "dry_run", "idempotency_key",
            "notify");

    /** Shared parameters that only make sense where an operation returns a list. */
    private static final List<String> PAGING_PARAMETERS =
            List.of("limit", "offset", "page", "page_size", "cursor", "sort_by", "sort_order");

    /** Response fields UPDATE_RESULTS adds, which an evolved API may copy from its example. */
    static final List<String> SHARED_RESULTS = List.of("metadata", "pagination", "links", "history");

    /** Per verb class: the companion operation ADD_FUNCTIONALITY adds, its parameters, and what it says. */
    private record Companion(String verb, List<String> parameters, String sentence) {}

    private static final Map<VerbClass, Companion> COMPANIONS = Map.of(
            VerbClass.READ, new Companion("watch", List.of("callback url", "include history"),
                    "It can also watch the %s and call callback_url when it changes."),
            VerbClass.COLLECTION, new Companion("export", List.of("export format"),
                    "It can also export the matching %s as a file."),
            VerbClass.CREATE, new Companion("validate", List.of("dry run"),
                    "It can also validate a %s request without creating anything."),
            VerbClass.MODIFY, new Companion("schedule", List.of("effective date", "notify"),
                    "It can also schedule the %s change for a later effective date."),
            VerbClass.REMOVE, new Companion("schedule", List.of("scheduled time", "reason"),
                    "It can also schedule the %s removal for a later time."),
            VerbClass.ACTION, new Companion("notify", List.of("callback url", "notify"),
                    "It can also report each %s outcome to a callback URL."));

    /** Generic optional parameters per verb class: what real APIs of that kind tend to accept. */
    static final Map<VerbClass, List<String>> OPTIONS = Map.of(
            VerbClass.READ, List.of("language", "fields", "include history", "timezone", "units"),
            VerbClass.COLLECTION, List.of("limit", "offset", "sort by", "sort order", "start date", "end date", "cursor"),
            VerbClass.CREATE, List.of("idempotency key", "notes", "tags", "notify", "reference"),
            VerbClass.MODIFY, List.of("reason", "notify", "effective date", "notes"),
            VerbClass.REMOVE, List.of("reason", "notify", "force"),
            VerbClass.ACTION, List.of("dry run", "notes", "callback url", "reference", "language"));

    private Evolution() {}

    /** Borrows the example's structure, then applies the indicators in canonical order. */
    static void evolve(final ApiDraft draft, final List<String> indicators, final ExampleStyle example,
            final SplittableRandom rnd) {
        if (example != null) {
            borrow(draft, example, rnd);
        }
        for (final String indicator : indicators) {
            switch (indicator) {
                case ADD_FUNCTIONALITY -> addFunctionality(draft);
                case ADD_PARAMETERS -> addParameters(draft, 1 + rnd.nextInt(3), rnd);
                case ADD_CONSTRAINTS -> addConstraints(draft, 1 + rnd.nextInt(3), rnd);
                case MUTATE_TYPES -> mutateTypes(draft, Shape.values()[rnd.nextInt(Shape.values().length)], rnd);
                case UPDATE_RESULTS -> updateResults(draft, rnd);
                default -> throw new IllegalStateException("indicator without an implementation: " + indicator);
            }
        }
    }

    // ---------------------------------------------------------------- the example's style

    /**
     * The new API takes the example's cross-cutting parameters and result blocks, its nested
     * shape and its habit of constraining values; its own functionality stays its own.
     */
    private static void borrow(final ApiDraft draft, final ExampleStyle example, final SplittableRandom rnd) {
        example.sharedParameters().forEach((name, schema) -> borrowParameter(draft, name, schema));
        example.sharedResults().forEach((name, schema) -> draft.response.putIfAbsent(name, schema.deepCopy()));
        if (example.shape() != null) {
            mutateTypes(draft, example.shape(), rnd);
        }
        if (example.constrained() > 0) {
            addConstraints(draft, Math.min(3, example.constrained()), rnd);
        }
    }

    /**
     * A shared parameter takes the example's type and keywords but a description of its own: the
     * example's would talk about the example's entity. Paging and sorting come along only to an
     * API that returns a list.
     */
    private static void borrowParameter(final ApiDraft draft, final String name, final ObjectNode example) {
        final boolean lists = draft.operations.stream().anyMatch(op -> op.verbClass() == VerbClass.COLLECTION);
        if (PAGING_PARAMETERS.contains(name) && !lists) {
            return;
        }
        if (!draft.addParameter(name.replace('_', ' '), Role.OPTION, false)) {
            return;
        }
        final ObjectNode schema = draft.parameters.get(name);
        final String description = schema.path("description").asText();
        schema.removeAll();
        schema.setAll(example.deepCopy());
        schema.put("description", description);
    }

    // ---------------------------------------------------------------- ADD_FUNCTIONALITY

    private static void addFunctionality(final ApiDraft draft) {
        final Companion companion = COMPANIONS.get(draft.primary().verbClass());
        draft.companion = companion.verb();
        for (final String parameter : companion.parameters()) {
            draft.addParameter(parameter, Role.OPTION, false);
        }
        if (draft.isMulti()) {
            draft.actions.add(companion.verb());
            ((ArrayNode) draft.parameters.get("action").get("enum")).add(companion.verb());
        }
        final String subject = draft.primary().verbClass() == VerbClass.COLLECTION
                ? English.plural(draft.entity()) : draft.entity();
        draft.sentences.add(String.format(companion.sentence(), subject));
    }

    // ---------------------------------------------------------------- ADD_PARAMETERS

    /** Adds optional parameters: unused sub-domain attributes first, then generic options. */
    private static void addParameters(final ApiDraft draft, final int count, final SplittableRandom rnd) {
        final Role role = draft.primary().verbClass() == VerbClass.COLLECTION ? Role.FILTER : Role.INPUT;
        int added = 0;
        while (added < count) {
            final String attribute = draft.takeFromPool(rnd);
            if (attribute == null) {
                break;
            }
            if (draft.addParameter(attribute, role, false)) {
                added++;
            }
        }
        final List<String> options = new ArrayList<>(OPTIONS.get(draft.primary().verbClass()));
        while (added < count && !options.isEmpty()) {
            if (draft.addParameter(options.remove(rnd.nextInt(options.size())), Role.OPTION, false)) {
                added++;
            }
        }
    }

    // ---------------------------------------------------------------- ADD_CONSTRAINTS

    /**
     * Constrains up to {@code count} parameters: the keywords their rule names (a pattern for a
     * currency, a range for a latitude), else a length, range or size bound fitting their type.
     */
    static void addConstraints(final ApiDraft draft, final int count, final SplittableRandom rnd) {
        final List<Field> candidates = new ArrayList<>(draft.fields);
        int constrained = 0;
        while (constrained < count && !candidates.isEmpty()) {
            final Field field = candidates.remove(rnd.nextInt(candidates.size()));
            if (field.rule().constrain(field.schema()) || boundByType(field.schema(), rnd)) {
                constrained++;
            }
        }
    }

    private static boolean boundByType(final ObjectNode schema, final SplittableRandom rnd) {
        final ObjectNode target = "array".equals(schema.path("type").asText()) && schema.has("items")
                ? (ObjectNode) schema.get("items") : schema;
        if (target.has("enum") || target.has("format") || target.has("pattern")) {
            return false;
        }
        switch (target.path("type").asText()) {
            case "string" -> {
                if (target.has("maxLength")) {
                    return false;
                }
                target.put("minLength", 1).put("maxLength", 32 << rnd.nextInt(4));
            }
            case "integer" -> {
                if (target.has("maximum")) {
                    return false;
                }
                target.put("minimum", target.path("minimum").asLong(0)).put("maximum", 100L * (1 + rnd.nextInt(100)));
            }
            case "number" -> {
                if (target.has("minimum")) {
                    return false;
                }
                target.put("minimum", 0);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- MUTATE_TYPES

    /** Introduces a nested parameter: a list of lists, a list of objects, or an object in an object. */
    static void mutateTypes(final ApiDraft draft, final Shape shape, final SplittableRandom rnd) {
        switch (shape) {
            case ARRAY_OF_ARRAYS -> arrayOfArrays(draft);
            case ARRAY_OF_OBJECTS -> {
                if (draft.primary().verbClass() == VerbClass.COLLECTION) {
                    filterList(draft);
                } else {
                    batch(draft, rnd);
                }
            }
            case OBJECT_IN_OBJECT -> nestedOptions(draft);
        }
    }

    /** Coordinates become [latitude, longitude] pairs, dates [start, end] pairs, else id batches. */
    private static void arrayOfArrays(final ApiDraft draft) {
        final Map<String, ObjectNode> params = draft.parameters;
        final ObjectNode inner;
        final String name;
        final String description;
        final List<String> replaced;
        if (params.containsKey("latitude") && params.containsKey("longitude")) {
            name = "points";
            inner = pair(ApiDraft.JSON.objectNode().put("type", "number"));
            description = "Locations as [latitude, longitude] pairs in decimal degrees.";
            replaced = List.of("latitude", "longitude");
        } else if (params.containsKey("start_date") || params.containsKey("end_date") || hasDate(draft)) {
            name = "date_ranges";
            inner = pair(ApiDraft.JSON.objectNode().put("type", "string").put("format", "date"));
            description = "Periods as [start date, end date] pairs (YYYY-MM-DD).";
            replaced = List.of("start_date", "end_date");
        } else {
            name = ApiDraft.snake(English.words(draft.entity() + " id batches"));
            inner = ApiDraft.JSON.objectNode().put("type", "array");
            inner.putObject("items").put("type", "string");
            description = "Batches of " + draft.entity() + " identifiers; each inner list is processed together.";
            replaced = List.of();
        }
        boolean wasRequired = false;
        for (final String old : replaced) {
            wasRequired |= draft.required.remove(old);
            params.remove(old);
        }
        final ObjectNode schema = ApiDraft.JSON.objectNode().put("type", "array").put("description", description);
        schema.set("items", inner);
        final String free = freeName(draft, name);
        params.put(free, schema);
        if (wasRequired) {
            draft.required.add(free);
        }
    }

    private static boolean hasDate(final ApiDraft draft) {
        return draft.parameters.values().stream().anyMatch(p -> "date".equals(p.path("format").asText()));
    }

    private static ObjectNode pair(final ObjectNode element) {
        final ObjectNode pair = ApiDraft.JSON.objectNode().put("type", "array");
        pair.set("items", element);
        return pair.put("minItems", 2).put("maxItems", 2);
    }

    /** A list of {field, operator, value} conditions over the entity's attributes. */
    private static void filterList(final ApiDraft draft) {
        final ObjectNode condition = ApiDraft.JSON.objectNode().put("type", "object");
        final ObjectNode properties = condition.putObject("properties");
        final ArrayNode fieldNames = properties.putObject("field").put("type", "string")
                .put("description", "Attribute to compare.").putArray("enum");
        draft.response.keySet().stream().filter(k -> !k.equals("results") && !k.equals("total_count"))
                .forEach(fieldNames::add);
        resultFields(draft).forEach(fieldNames::add);
        if (fieldNames.isEmpty()) {
            fieldNames.add("name");
        }
        properties.putObject("operator").put("type", "string").put("description", "Comparison to apply.")
                .putArray("enum").add("eq").add("ne").add("gt").add("lt").add("contains");
        properties.putObject("value").put("type", "string").put("description", "Value to compare with.");
        condition.putArray("required").add("field").add("operator").add("value");
        final ObjectNode filters = ApiDraft.JSON.objectNode().put("type", "array")
                .put("description", "Conditions every returned " + draft.entity() + " must meet.");
        filters.set("items", condition);
        draft.parameters.put(freeName(draft, "filters"), filters);
    }

    private static List<String> resultFields(final ApiDraft draft) {
        final List<String> names = new ArrayList<>();
        draft.response.getOrDefault("results", ApiDraft.JSON.objectNode()).path("items").path("properties")
                .fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * Batch form: the operation's required inputs move into the items of a list, so one call
     * handles many ("payments": [{payment_id, amount}, ...]).
     */
    private static void batch(final ApiDraft draft, final SplittableRandom rnd) {
        final String name = freeName(draft, ApiDraft.snake(English.words(English.plural(draft.entity()))));
        final List<String> moved = new ArrayList<>(draft.required);
        moved.remove("action");
        if (moved.isEmpty()) {
            draft.parameters.keySet().stream().filter(k -> !k.equals("action")).limit(1 + rnd.nextInt(2))
                    .forEach(moved::add);
        }
        final ObjectNode item = ApiDraft.JSON.objectNode().put("type", "object");
        final ObjectNode properties = item.putObject("properties");
        final ArrayNode itemRequired = ApiDraft.JSON.arrayNode();
        for (final String param : moved) {
            properties.set(param, draft.parameters.remove(param));
            if (draft.required.remove(param)) {
                itemRequired.add(param);
            }
        }
        if (properties.isEmpty()) {
            properties.putObject("reference").put("type", "string").put("description", "Your reference for this item.");
        }
        if (!itemRequired.isEmpty()) {
            item.set("required", itemRequired);
        }
        final ObjectNode list = ApiDraft.JSON.objectNode().put("type", "array")
                .put("description", English.capitalise(English.plural(draft.entity()))
                        + " to process in one call, each with the fields of a single call.")
                .put("minItems", 1);
        list.set("items", item);
        draft.parameters.put(name, list);
        draft.required.add(name);
    }

    /** Optional parameters gather in an options object, which holds a nested pagination or notification object. */
    private static void nestedOptions(final ApiDraft draft) {
        final boolean collection = draft.primary().verbClass() == VerbClass.COLLECTION;
        final String name = freeName(draft, collection ? "query_options" : "options");
        final ObjectNode options = ApiDraft.JSON.objectNode().put("type", "object")
                .put("description", collection ? "How results are filtered, sorted and paged." : "Optional settings.");
        final ObjectNode properties = options.putObject("properties");
        for (final String param : new ArrayList<>(draft.parameters.keySet())) {
            if (!draft.required.contains(param) && !param.equals("action") && !isNested(draft.parameters.get(param))) {
                properties.set(param, draft.parameters.remove(param));
            }
        }
        if (collection) {
            final ObjectNode page = properties.putObject("pagination").put("type", "object")
                    .put("description", "Which page of results to return.");
            final ObjectNode pageProperties = page.putObject("properties");
            pageProperties.putObject("page").put("type", "integer").put("minimum", 1).put("default", 1)
                    .put("description", "Page number, from 1.");
            pageProperties.putObject("page_size").put("type", "integer").put("minimum", 1).put("maximum", 100)
                    .put("default", 20).put("description", "Results per page.");
        } else {
            final ObjectNode notification = properties.putObject("notification").put("type", "object")
                    .put("description", "Who to tell when the operation completes.");
            final ObjectNode notificationProperties = notification.putObject("properties");
            notificationProperties.putObject("channel").put("type", "string").put("description", "Channel to use.")
                    .putArray("enum").add("email").add("sms").add("webhook");
            notificationProperties.putObject("recipient").put("type", "string")
                    .put("description", "Email address, phone number or URL, matching the channel.");
            notification.putArray("required").add("channel").add("recipient");
        }
        draft.parameters.put(name, options);
    }

    /**
     * {@code base}, or {@code base_2}, {@code base_3}... when a parameter already has the name:
     * a mutation must always add its nested parameter, even to an API evolved twice.
     */
    private static String freeName(final ApiDraft draft, final String base) {
        String name = base;
        for (int n = 2; draft.parameters.containsKey(name); n++) {
            name = base + "_" + n;
        }
        return name;
    }

    private static boolean isNested(final JsonNode schema) {
        return schema.has("properties") || schema.path("items").has("properties") || schema.path("items").has("items");
    }

    // ---------------------------------------------------------------- UPDATE_RESULTS

    /** A richer response: request metadata, a history, links or pagination, and more attributes. */
    private static void updateResults(final ApiDraft draft, final SplittableRandom rnd) {
        final ObjectNode metadata = ApiDraft.JSON.objectNode().put("type", "object")
                .put("description", "About this response.");
        final ObjectNode meta = metadata.putObject("properties");
        meta.putObject("request_id").put("type", "string").put("description", "Identifier of this request, for support.");
        meta.putObject("generated_at").put("type", "string").put("format", "date-time")
                .put("description", "When the response was produced.");
        meta.putObject("processing_time_ms").put("type", "integer").put("minimum", 0)
                .put("description", "Server time spent, in milliseconds.");
        draft.response.putIfAbsent("metadata", metadata);
        final String added;
        if (draft.response.containsKey("results")) {
            final ObjectNode pagination = ApiDraft.JSON.objectNode().put("type", "object")
                    .put("description", "Where this page sits in the full result.");
            final ObjectNode p = pagination.putObject("properties");
            p.putObject("page").put("type", "integer").put("description", "Current page number.");
            p.putObject("total_pages").put("type", "integer").put("description", "Number of pages.");
            p.putObject("next_cursor").put("type", "string").put("description", "Cursor of the next page, empty on the last.");
            draft.response.putIfAbsent("pagination", pagination);
            added = "pagination";
        } else if (rnd.nextBoolean()) {
            draft.response.putIfAbsent("history", objectList("Earlier states of the " + draft.entity() + ", newest first.",
                    "status", "changed_at", "date-time"));
            added = "its history";
        } else {
            draft.response.putIfAbsent("links", objectList("Related resources.", "rel", "href", "uri"));
            added = "related links";
        }
        for (int i = 0; i < 2; i++) {
            final String attribute = draft.takeFromPool(rnd);
            if (attribute != null) {
                draft.addOutput(attribute);
            }
        }
        draft.sentences.add("The response includes request metadata and " + added + ".");
    }

    /** An array of objects with two string fields, the second formatted ({@code date-time}, {@code uri}). */
    private static ObjectNode objectList(final String description, final String first, final String second,
            final String secondFormat) {
        final ObjectNode list = ApiDraft.JSON.objectNode().put("type", "array").put("description", description);
        final ObjectNode properties = list.putObject("items").put("type", "object").putObject("properties");
        properties.putObject(first).put("type", "string");
        properties.putObject(second).put("type", "string").put("format", secondFormat);
        return list;
    }
}
