package dev.courier.logs;

import static dev.courier.json.Jsons.JSON;

import jakarta.ejb.Stateless;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import java.util.Locale;

/** Reads what the log aggregator stored: records, newest first, and counts. */
@Stateless
public class Logs {

  @PersistenceContext EntityManager em;

  public JsonObject search(String level, String source, int offset, int limit) {
    String where =
        " where (:level is null or r.level = :level) and (:source is null or r.source = :source)";
    TypedQuery<LogRecord> query =
        em.createQuery(
            "select r from LogRecord r" + where + " order by r.at desc", LogRecord.class);
    TypedQuery<Long> count = em.createQuery("select count(r) from LogRecord r" + where, Long.class);
    String upper = level == null ? null : level.toUpperCase(Locale.ROOT);
    for (TypedQuery<?> q : java.util.List.of(query, count)) {
      q.setParameter("level", upper).setParameter("source", source);
    }
    JsonArrayBuilder items = JSON.createArrayBuilder();
    query.setFirstResult(offset).setMaxResults(limit).getResultList().stream()
        .map(LogRecord::toJson)
        .forEach(items::add);
    return JSON.createObjectBuilder()
        .add("items", items)
        .add("total", count.getSingleResult())
        .add("offset", offset)
        .add("limit", limit)
        .build();
  }

  /** How many records are stored: in all, per level, per source, and in how many batches. */
  public JsonObject counts() {
    JsonObjectBuilder byLevel = JSON.createObjectBuilder();
    em.createQuery(
            "select r.level, count(r) from LogRecord r group by r.level order by r.level",
            Object[].class)
        .getResultList()
        .forEach(row -> byLevel.add((String) row[0], ((Number) row[1]).longValue()));
    JsonObjectBuilder bySource = JSON.createObjectBuilder();
    em.createQuery(
            "select r.source, count(r) from LogRecord r group by r.source order by r.source",
            Object[].class)
        .getResultList()
        .forEach(row -> bySource.add((String) row[0], ((Number) row[1]).longValue()));
    return JSON.createObjectBuilder()
        .add(
            "total",
            em.createQuery("select count(r) from LogRecord r", Long.class).getSingleResult())
        .add(
            "batches",
            em.createQuery("select count(distinct r.batch) from LogRecord r", Long.class)
                .getSingleResult())
        .add("byLevel", byLevel)
        .add("bySource", bySource)
        .build();
  }
}
