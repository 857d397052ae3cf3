package io.toolace.stream.evolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.toolace.stream.format.ContentHash;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ApiSignatureTest {

    private static final String REFUND = """
            {"type":"object","properties":{
              "payment_id":{"type":"string","description":"Payment to refund.","pattern":"^[a-z0-9]{8}$"},
              "amount":{"type":"number","minimum":0},
              "lines":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"},"qty":{"type":"integer"}}}}
            },"required":["payment_id"]}""";

    @Test
    void signatureIsTheBareNameAndSortedTypedParametersWithNesting() {
        assertThat(ApiSignature.normalise("Refund Payment", REFUND))
                .isEqualTo("refundpayment(amount:number,lines:array<object{qty:integer,sku:string}>,payment_id:string)");
    }

    @Test
    void caseSpacingPunctuationDescriptionsAndConstraintsDoNotMatter() {
        final String reordered = """
                {"type":"object","properties":{
                  "lines":{"type":"array","description":"x","items":{"type":"object","properties":{"qty":{"type":"integer"},"sku":{"type":"string","maxLength":3}}}},
                  "amount":{"type":"number"},
                  "payment_id":{"type":"string"}}}""";
        assertThat(ApiSignature.hash("refund_payment", reordered)).isEqualTo(ApiSignature.hash("Refund Payment", REFUND));
        assertThat(ApiSignature.hash("Refund Payment", REFUND))
                .isEqualTo(ContentHash.of(ApiSignature.normalise("Refund Payment", REFUND)));
    }

    @Test
    void typesAndNestedStructureDoMatter() {
        final String amountAsString = REFUND.replace("\"amount\":{\"type\":\"number\"", "\"amount\":{\"type\":\"string\"");
        final String flatLines = REFUND.replace("\"items\":{\"type\":\"object\",\"properties\":{\"sku\":{\"type\":\"string\"},\"qty\":{\"type\":\"integer\"}}}",
                "\"items\":{\"type\":\"string\"}");
        assertThat(ApiSignature.hash("Refund Payment", amountAsString)).isNotEqualTo(ApiSignature.hash("Refund Payment", REFUND));
        assertThat(ApiSignature.hash("Refund Payment", flatLines)).isNotEqualTo(ApiSignature.hash("Refund Payment", REFUND));
        assertThat(ApiSignature.hash("Refund Payments", REFUND)).isNotEqualTo(ApiSignature.hash("Refund Payment", REFUND));
    }

    @Test
    void invalidJsonIsAClearError() {
        assertThatThrownBy(() -> ApiSignature.normalise("x", "{not json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> ApiSignature.normalise("x", " ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void renamedCopyIsNearDuplicateAndUnrelatedApiIsNot() {
        final String forecast = """
                {"type":"object","properties":{"location":{"type":"string"},"hours":{"type":"integer"},"units":{"type":"string"}}}""";
        final double renamed = ApiSignature.similarity(
                "Get Hourly Forecast", "Returns the hourly weather forecast for a location.", forecast,
                "fetchHourlyForecast", "Returns the hourly weather forecast for a location.", forecast);
        final double unrelated = ApiSignature.similarity(
                "Get Hourly Forecast", "Returns the hourly weather forecast for a location.", forecast,
                "Refund Payment", "Refunds a captured card payment in full or in part.", REFUND);
        assertThat(renamed).isGreaterThan(0.75);
        assertThat(unrelated).isLessThan(0.15);
    }

    @Test
    void aVerbSwappedCopyScoresAsTheSameToolAndAnotherOperationDoesNot() {
        final String order = """
                {"type":"object","properties":{"order_id":{"type":"string"},"include_items":{"type":"boolean"}}}""";
        final double swapped = ApiSignature.similarity(
                "get_order_details", "Returns the details of an order.", order,
                "fetchOrderDetails", "Retrieves the details of an order.", order);
        final double otherOperation = ApiSignature.similarity(
                "get_order_details", "Returns the details of an order.", order,
                "delete_order_details", "Removes the details of an order.", order);
        assertThat(swapped).isGreaterThanOrEqualTo(0.9);
        assertThat(otherOperation).isLessThan(0.9);
    }

    @Property
    void similarityIsSymmetricBoundedAndOneForIdenticalApis(@ForAll final String nameA, @ForAll final String descA,
            @ForAll final String nameB, @ForAll final String descB) {
        final double ab = ApiSignature.similarity(nameA, descA, REFUND, nameB, descB, "{}");
        assertThat(ab).isBetween(0.0, 1.0).isEqualTo(ApiSignature.similarity(nameB, descB, "{}", nameA, descA, REFUND));
        assertThat(ApiSignature.similarity(nameA, descA, REFUND, nameA, descA, REFUND)).isCloseTo(1.0, within(1e-9));
    }
}
