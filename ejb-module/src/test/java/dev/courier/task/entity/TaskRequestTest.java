package dev.courier.task.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaskRequestTest {

  @Test
  void aMinimalRequestGetsDefaults() {
    TaskRequest request = TaskRequest.parse("{\"type\":\"echo\"}");
    assertThat(request.type()).isEqualTo("echo");
    assertThat(request.payload()).isEmpty();
    assertThat(request.delay()).isEqualTo(Duration.ZERO);
    assertThat(request.priority()).isEqualTo(TaskRequest.DEFAULT_PRIORITY);
    assertThat(request.key()).isNull();
  }

  @Test
  void everyFieldIsRead() {
    TaskRequest request =
        TaskRequest.parse(
            "{\"type\":\"sleep\",\"payload\":{\"ms\":5},\"delaySeconds\":3,\"priority\":9,\"key\":\"k-1\"}");
    assertThat(request.payload().getInt("ms")).isEqualTo(5);
    assertThat(request.delay()).isEqualTo(Duration.ofSeconds(3));
    assertThat(request.priority()).isEqualTo(9);
    assertThat(request.key()).isEqualTo("k-1");
  }

  @Test
  void aRequestSurvivesItsOwnJson() {
    TaskRequest request =
        TaskRequest.parse(
            "{\"type\":\"echo\",\"payload\":{\"a\":[1,2]},\"priority\":2,\"key\":\"x\"}");
    assertThat(TaskRequest.parse(request.toJson().toString())).isEqualTo(request);
  }

  @ParameterizedTest(name = "{0} is rejected: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"type\":|not valid JSON",
        "''|the body is empty",
        "[1,2]|expected a JSON object",
        "{}|'type' is required",
        "{\"type\":42}|'type' must be a string",
        "{\"type\":\"has space\"}|'type' must be 1 to 100",
        "{\"type\":\"echo\",\"payload\":[1]}|'payload' must be a JSON object",
        "{\"type\":\"echo\",\"priority\":10}|'priority' must be between 0 and 9",
        "{\"type\":\"echo\",\"priority\":1.5}|'priority' must be a whole number",
        "{\"type\":\"echo\",\"delaySeconds\":-1}|'delaySeconds' must be between 0",
        "{\"type\":\"echo\",\"key\":\"\"}|'key' must be 1 to 200 characters",
        "{\"type\":\"echo\",\"colour\":\"red\"}|unknown field 'colour'",
        "{\"type\":\"echo\",\"runAt\":\"tomorrow\"}|'runAt' must be an ISO-8601 date",
        "{\"type\":\"echo\",\"runAt\":\"2026-12-01T09:00:00\"}|with an offset",
        "{\"type\":\"echo\",\"runAt\":\"2026-12-01T09:00:00Z\",\"delaySeconds\":5}|not both"
      })
  void invalidRequestsAreRejectedWithAReason(String json, String reason) {
    assertThatThrownBy(() -> TaskRequest.parse(json))
        .isInstanceOf(InvalidTaskRequest.class)
        .hasMessageContaining(reason);
  }
}
