package dev.courier.task.control;

import dev.courier.task.entity.RateLimit;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out start slots per task type, spaced by the type's rate limit, to every consumer of this
 * instance. A task whose slot is later than now goes back to the broker with a delivery delay until
 * its slot, so that waiting for the limit never holds a consumer.
 */
@ApplicationScoped
public class RateLimiter {

  private final Map<String, AtomicLong> nextFreeMillis = new ConcurrentHashMap<>();

  /**
   * Reserves the next free slot for a start of {@code type}; the slot is at or after {@code now}.
   */
  public long reserve(String type, RateLimit limit, long nowMillis) {
    double intervalMillis = limit.intervalNanos() / 1_000_000.0;
    AtomicLong next = nextFreeMillis.computeIfAbsent(type, t -> new AtomicLong());
    // slots are kept in microseconds so that limits above 1000/s space starts correctly
    long nowMicros = nowMillis * 1000;
    long step = Math.max(1, Math.round(intervalMillis * 1000));
    while (true) {
      long free = next.get();
      long slot = Math.max(free, nowMicros);
      if (next.compareAndSet(free, slot + step)) {
        return slot / 1000;
      }
    }
  }
}
