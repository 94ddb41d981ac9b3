package dev.courier.task.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.task.entity.RateLimit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  @Test
  void parsesStartsPerSecondMinuteAndHour() {
    assertThat(RateLimit.parse("10/s")).isEqualTo(new RateLimit(10, Duration.ofSeconds(1)));
    assertThat(RateLimit.parse(" 600 / m ")).isEqualTo(new RateLimit(600, Duration.ofMinutes(1)));
    assertThat(RateLimit.parse("5/h").intervalNanos()).isEqualTo(Duration.ofMinutes(12).toNanos());
    assertThatThrownBy(() -> RateLimit.parse("10 per second")).hasMessageContaining("10/s");
    assertThatThrownBy(() -> RateLimit.parse("0/s")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void slotsAreSpacedByTheIntervalFromNowOn() {
    var limiter = new RateLimiter();
    RateLimit tenPerSecond = RateLimit.parse("10/s");
    assertThat(limiter.reserve("t", tenPerSecond, 1_000)).isEqualTo(1_000);
    assertThat(limiter.reserve("t", tenPerSecond, 1_000)).isEqualTo(1_100);
    assertThat(limiter.reserve("t", tenPerSecond, 1_050)).isEqualTo(1_200);
    // other types have slots of their own
    assertThat(limiter.reserve("u", tenPerSecond, 1_000)).isEqualTo(1_000);
    // after a quiet spell the next slot is now, not in the past
    assertThat(limiter.reserve("t", tenPerSecond, 5_000)).isEqualTo(5_000);
  }

  @Test
  void limitsAboveOnePerMillisecondStillSpaceStarts() {
    var limiter = new RateLimiter();
    RateLimit fast = RateLimit.parse("4000/s");
    long last = 0;
    for (int i = 0; i < 4000; i++) {
      last = limiter.reserve("t", fast, 0);
    }
    assertThat(last).isBetween(998L, 1000L);
  }
}
