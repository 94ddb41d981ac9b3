package dev.courier.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.task.control.TaskFailure;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MappingTest {

  private static Mapping mapping(String json) {
    try (var reader = Json.createReader(new StringReader(json))) {
      return Mapping.of(reader.readValue());
    }
  }

  private static Map<String, String> row(String... pairs) {
    Map<String, String> row = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      row.put(pairs[i], pairs[i + 1]);
    }
    return row;
  }

  @Test
  void renamesConvertsDerivesAndDropsWhatIsNotListed() throws Exception {
    Mapping m =
        mapping(
            "[{\"from\":\"Name\",\"to\":\"name\"},{\"from\":\"Qty\",\"to\":\"qty\",\"type\":\"int\"},"
                + "{\"from\":\"Price\",\"type\":\"decimal\"},{\"from\":\"Paid\",\"type\":\"boolean\"},"
                + "{\"to\":\"label\",\"expr\":\"${Name} x${Qty}\"}]");

    Map<String, Object> out =
        m.apply(row("Name", "Ann", "Qty", " 3 ", "Price", "9.90", "Paid", "TRUE", "Secret", "s"));

    assertThat(out)
        .containsExactly(
            Map.entry("name", "Ann"),
            Map.entry("qty", 3),
            Map.entry("Price", new BigDecimal("9.90")),
            Map.entry("Paid", true),
            Map.entry("label", "Ann x 3 "));
    assertThat(m.names()).containsExactly("name", "qty", "Price", "Paid", "label");
  }

  @Test
  void blankNumbersAreNullAndBadOnesAreBadRows() throws Exception {
    Mapping m = mapping("[{\"from\":\"n\",\"type\":\"long\"}]");
    assertThat(m.apply(row("n", ""))).containsEntry("n", null);
    assertThatThrownBy(() -> m.apply(row("n", "12x")))
        .isInstanceOf(Mapping.BadRow.class)
        .hasMessage("'12x' is not a long (field 'n')");
    assertThatThrownBy(() -> m.apply(row("other", "1"))).hasMessage("no field 'n'");
  }

  @Test
  void withoutAMappingEveryFieldPasses() throws Exception {
    Mapping m = Mapping.of(JsonValue.NULL);
    assertThat(m.apply(row("a", "1", "b", "2")))
        .containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
    assertThat(m.names()).isNull();
  }

  @Test
  void aBadMappingIsAPermanentFailure() {
    assertThatThrownBy(() -> mapping("[{\"from\":\"a\",\"type\":\"date\"}]"))
        .isInstanceOf(TaskFailure.class)
        .hasMessageContaining("not one of")
        .matches(e -> !((TaskFailure) e).isRetryable());
    assertThatThrownBy(() -> mapping("[{\"from\":\"a\",\"expr\":\"${b}\"}]"))
        .hasMessageContaining("either 'from' or 'expr'");
    assertThatThrownBy(() -> mapping("[{\"expr\":\"${b}\"}]")).hasMessageContaining("'to'");
  }
}
