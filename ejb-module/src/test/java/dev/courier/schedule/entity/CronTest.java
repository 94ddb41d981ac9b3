package dev.courier.schedule.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CronTest {

  private static final Instant NOW = Instant.parse("2026-11-25T10:00:07.250Z");

  @Test
  void fiveFieldCronFiresOnTheMinute() {
    Cron everyFive = Cron.parse("*/5 * * * *", "UTC");
    assertThat(everyFive.next(NOW, 3))
        .containsExactly(
            Instant.parse("2026-11-25T10:05:00Z"),
            Instant.parse("2026-11-25T10:10:00Z"),
            Instant.parse("2026-11-25T10:15:00Z"));
  }

  @Test
  void sixFieldsStartWithSeconds() {
    assertThat(Cron.parse("*/2 * * * * *", "UTC").next(NOW, 2))
        .containsExactly(
            Instant.parse("2026-11-25T10:00:08Z"), Instant.parse("2026-11-25T10:00:10Z"));
  }

  @Test
  void theEjbCalendarFormTakesEjbDefaultsForWhatItLeavesOut() {
    Cron weekdays = Cron.parse("minute=30 hour=9 dayOfWeek=Mon-Fri", "Europe/Paris");
    // Wednesday 2026-11-25: 09:30 in Paris is 08:30 UTC, already past at 10:00 UTC
    assertThat(weekdays.next(NOW, 1)).containsExactly(Instant.parse("2026-11-26T08:30:00Z"));
    var expression = weekdays.toScheduleExpression();
    assertThat(expression.getSecond()).isEqualTo("0");
    assertThat(expression.getDayOfWeek()).isEqualTo("Mon-Fri");
    assertThat(expression.getTimezone()).isEqualTo("Europe/Paris");
  }

  @Test
  void dayNamesAreWrittenTheEjbWay() {
    assertThat(Cron.parse("0 9 * * MON-FRI", "UTC").toScheduleExpression().getDayOfWeek())
        .isEqualTo("Mon-Fri");
  }

  @Test
  void betweenListsTheFiringsInAWindowKeepingTheLatest() {
    Cron everySecond = Cron.parse("* * * * * *", "UTC");
    Instant from = Instant.parse("2026-11-25T10:00:00Z");
    assertThat(everySecond.between(from, from.plusMillis(3500), 10))
        .containsExactly(from.plusSeconds(1), from.plusSeconds(2), from.plusSeconds(3));
    assertThat(everySecond.between(from, from.plusSeconds(30), 2))
        .containsExactly(from.plusSeconds(29), from.plusSeconds(30));
  }

  @Test
  void invalidExpressionsSayWhatIsWrong() {
    assertThatThrownBy(() -> Cron.parse("61 * * * *", "UTC"))
        .isInstanceOf(InvalidSchedule.class)
        .hasMessageContaining("61");
    assertThatThrownBy(() -> Cron.parse("* * *", "UTC")).hasMessageContaining("has 3 fields");
    assertThatThrownBy(() -> Cron.parse("0 0 L * *", "UTC")).hasMessageContaining("not supported");
    assertThatThrownBy(() -> Cron.parse("minutes=5", "UTC"))
        .hasMessageContaining("attribute=value");
    assertThatThrownBy(() -> Cron.parse("0 * * * *", "Mars/Olympus"))
        .hasMessageContaining("Mars/Olympus");
  }
}
