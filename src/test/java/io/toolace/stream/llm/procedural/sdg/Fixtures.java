package io.toolace.stream.llm.procedural.sdg;

import io.toolace.stream.records.Agent;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiOrigin;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.Lineage;
import io.toolace.stream.records.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Realistic APIs of the kinds the pool holds, and drafts and samples built from them. */
final class Fixtures {

    static final ApiDefinition WEATHER = api("Get Hourly Forecast",
            "Retrieves the hourly weather forecast for a location.",
            """
            {"type":"object","properties":{
              "location":{"type":"string","description":"City name"},
              "units":{"type":"string","enum":["metric","imperial"],"default":"metric"},
              "hours":{"type":"integer","minimum":1,"maximum":48,"description":"How many hours ahead"}},
             "required":["location"]}""",
            """
            {"type":"object","properties":{
              "location":{"type":"string"},
              "units":{"type":"string","enum":["metric","imperial"]},
              "forecast":{"type":"array","items":{"type":"object","properties":{
                 "time":{"type":"string","format":"date-time"},
                 "temperature":{"type":"number"},
                 "conditions":{"type":"string","enum":["sunny","cloudy","rain","snow"]}},
                 "required":["time","temperature"]}}},
             "required":["location","forecast"]}""");

    static final ApiDefinition FLIGHTS = api("Search Flights",
            "Searches for flights between two airports on a given date.",
            """
            {"type":"object","properties":{
              "origin":{"type":"string","pattern":"^[A-Z]{3}$","description":"IATA code of the departure airport"},
              "destination":{"type":"string","pattern":"^[A-Z]{3}$","description":"IATA code of the arrival airport"},
              "departure_date":{"type":"string","format":"date"},
              "passengers":{"type":"integer","minimum":1,"maximum":9,"default":1},
              "cabin":{"type":"string","enum":["economy","premium","business","first"]}},
             "required":["origin","destination","departure_date"],"additionalProperties":false}""",
            """
            {"type":"object","properties":{
              "flights":{"type":"array","minItems":1,"items":{"type":"object","properties":{
                 "flight_id":{"type":"string","pattern":"^[A-Z]{2}\\\\d{3,4}$"},
                 "airline":{"type":"string"},
                 "price":{"type":"number","minimum":0},
                 "departure_time":{"type":"string","format":"date-time"}},
                 "required":["flight_id","price"]}}},
             "required":["flights"]}""");

    static final ApiDefinition BOOKING = api("Book Flight",
            "Books a seat on a flight for one or more passengers.",
            """
            {"type":"object","properties":{
              "flight_id":{"type":"string","pattern":"^[A-Z]{2}\\\\d{3,4}$"},
              "passengers":{"type":"array","minItems":1,"maxItems":4,"items":{"type":"object","properties":{
                 "name":{"type":"string","minLength":2,"maxLength":60},
                 "age":{"type":"integer","minimum":0,"maximum":120}},"required":["name","age"]}},
              "contact_email":{"type":"string","format":"email"}},
             "required":["flight_id","passengers","contact_email"]}""",
            """
            {"type":"object","properties":{
              "booking_id":{"type":"string"},
              "status":{"type":"string","enum":["confirmed","pending"]},
              "flight_id":{"type":"string","pattern":"^[A-Z]{2}\\\\d{3,4}$"},
              "total_price":{"type":"number","minimum":0}},
             "required":["booking_id","status"]}""");

    /** BFCL/ToolACE dialect: dict, float, bool. */
    static final ApiDefinition EXCHANGE = api("Get Exchange Rate",
            "Returns the exchange rate between two currencies and converts an amount.",
            """
            {"type":"dict","properties":{
              "base":{"type":"string","pattern":"^[A-Z]{3}$","description":"Base currency code"},
              "target":{"type":"string","description":"Target currency code"},
              "amount":{"type":"float","minimum":0,"maximum":1000000},
              "include_history":{"type":"bool"}},
             "required":["base","target"]}""",
            """
            {"type":"dict","properties":{"base":{"type":"string"},"target":{"type":"string"},
              "rate":{"type":"float"},"converted":{"type":"float"}},"required":["rate"]}""");

    /** Nested arrays: a list of dicts that holds a list of strings. */
    static final ApiDefinition SHOPPING = api("Create Shopping List",
            "Creates a shared shopping list with items and quantities.",
            """
            {"type":"object","properties":{
              "list_name":{"type":"string","maxLength":40},
              "items":{"type":"array","minItems":1,"maxItems":5,"items":{"type":"object","properties":{
                 "name":{"type":"string"},
                 "quantity":{"type":"integer","minimum":1,"maximum":20},
                 "tags":{"type":"array","items":{"type":"string"},"maxItems":3}},"required":["name","quantity"]}},
              "shared":{"type":"boolean","default":false}},
             "required":["list_name","items"]}""",
            """
            {"type":"object","properties":{"list_id":{"type":"string"},"item_count":{"type":"integer"},
              "created":{"type":"string","format":"date-time"}},"required":["list_id"]}""");

    /** No parameters at all (as in ToolACE's GetCompetitions). */
    static final ApiDefinition COMPETITIONS = api("GetCompetitions",
            "Retrieve a list of football competitions that are televised in Peru.",
            """
            {"type":"dict","properties":{},"required":[]}""",
            """
            {"type":"object","properties":{"competitions":{"type":"array","items":{"type":"object","properties":{
              "id":{"type":"integer"},"name":{"type":"string"},"startDate":{"type":"string","format":"date"}}}}}}""");

    static final List<ApiDefinition> ALL = List.of(WEATHER, FLIGHTS, BOOKING, EXCHANGE, SHOPPING, COMPETITIONS);

    static final String SYSTEM = "You are a helpful assistant with access to functions. Call them when they help.";

    private Fixtures() {}

    static ApiDefinition api(final String name, final String description, final String parameters, final String response) {
        return new ApiDefinition("id-" + name, name, description, "", "", List.of(), parameters, response,
                ApiOrigin.SYNTHESIZED, 0L, List.of(), null, null, lineage());
    }

    static Lineage lineage() {
        return new Lineage(0L, "", Map.of(), List.of(), 0L);
    }

    static DialogDraft draft(final String id, final DialogType type, final int targetTurns, final List<ApiDefinition> tools,
            final String instruction, final double complexity) {
        return new DialogDraft(id, 0, 0L, type, targetTurns, complexity, new ArrayList<>(tools), SYSTEM, instruction,
                new ArrayList<>(), Agent.USER, 0, new ArrayList<>(), lineage());
    }

    static Sample sample(final DialogDraft d) {
        return new Sample("s-" + d.getId(), d.getId(), 0, d.getDialogType(), "", d.getSystem(), d.getTools(),
                d.getTurns(), d.getComplexity(), d.getFaults(), List.of(), lineage());
    }
}
