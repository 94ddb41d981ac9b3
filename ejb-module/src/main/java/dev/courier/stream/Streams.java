package dev.courier.stream;

import static dev.courier.json.Jsons.JSON;

import dev.courier.messaging.entity.UnknownTopic;
import jakarta.ejb.Schedule;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.List;

/**
 * Rolling aggregates of measurement streams: each measurement adds to its key's one-second bucket
 * in the database (count, sum, min, max); a window is the sum of its buckets. Buckets older than an
 * hour are deleted every minute.
 */
@Stateless
public class Streams {

  /** The topics Courier aggregates; each has a subscriber ({@link StreamAggregator}). */
  public static final List<String> NAMES = List.of(StreamAggregator.TOPIC);

  public static final int MAX_WINDOW_SECONDS = 3600;

  @PersistenceContext EntityManager em;
  @Inject StreamBuckets buckets;

  /**
   * Adds one measurement, in the caller's transaction (the delivery's). The bucket's row stays
   * locked until that transaction ends, so concurrent deliveries to one key add one after another.
   */
  public void record(String stream, String key, double value, Instant at) {
    long second = at.getEpochSecond();
    if (add(stream, key, second, value) == 0) {
      buckets.open(stream, key, second);
      if (add(stream, key, second, value) != 1) {
        throw new IllegalStateException("no bucket " + StreamBucket.id(stream, key, second));
      }
    }
  }

  private int add(String stream, String key, long second, double value) {
    // count last: some databases evaluate SET clauses left to right with the new values
    return em.createQuery(
            "update StreamBucket b set b.sum = b.sum + :value,"
                + " b.min = case when b.count = 0 or :value < b.min then :value else b.min end,"
                + " b.max = case when b.count = 0 or :value > b.max then :value else b.max end,"
                + " b.count = b.count + 1 where b.id = :id")
        .setParameter("value", value)
        .setParameter("id", StreamBucket.id(stream, key, second))
        .executeUpdate();
  }

  /** Count, min, max and mean per key over the last {@code windowSeconds}, optionally one key. */
  public JsonObject window(String stream, int windowSeconds, String key) {
    if (!NAMES.contains(stream)) {
      throw new UnknownTopic("stream", stream, NAMES);
    }
    long now = Instant.now().getEpochSecond();
    long from = now - windowSeconds + 1;
    List<Object[]> rows =
        em.createQuery(
                "select b.key, sum(b.count), sum(b.sum), min(b.min), max(b.max), min(b.second),"
                    + " max(b.second) from StreamBucket b where b.stream = :stream"
                    + " and b.second >= :from and b.count > 0 and (:key is null or b.key = :key)"
                    + " group by b.key order by b.key",
                Object[].class)
            .setParameter("stream", stream)
            .setParameter("from", from)
            .setParameter("key", key)
            .getResultList();
    JsonArrayBuilder keys = JSON.createArrayBuilder();
    long total = 0;
    for (Object[] row : rows) {
      long count = ((Number) row[1]).longValue();
      double sum = ((Number) row[2]).doubleValue();
      total += count;
      keys.add(
          JSON.createObjectBuilder()
              .add("key", (String) row[0])
              .add("count", count)
              .add("min", ((Number) row[3]).doubleValue())
              .add("max", ((Number) row[4]).doubleValue())
              .add("mean", sum / count)
              .add("sum", sum)
              .add("firstSecond", Instant.ofEpochSecond(((Number) row[5]).longValue()).toString())
              .add("lastSecond", Instant.ofEpochSecond(((Number) row[6]).longValue()).toString()));
    }
    return JSON.createObjectBuilder()
        .add("stream", stream)
        .add("windowSeconds", windowSeconds)
        .add("from", Instant.ofEpochSecond(from).toString())
        .add("count", total)
        .add("keys", keys)
        .build();
  }

  @Schedule(second = "15", minute = "*", hour = "*", persistent = false)
  void roll() {
    em.createQuery("delete from StreamBucket b where b.second < :before")
        .setParameter("before", Instant.now().getEpochSecond() - MAX_WINDOW_SECONDS - 60)
        .executeUpdate();
  }
}
