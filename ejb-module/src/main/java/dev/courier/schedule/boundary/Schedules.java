package dev.courier.schedule.boundary;

import static dev.courier.json.Jsons.JSON;

import dev.courier.schedule.control.ScheduleFirings;
import dev.courier.schedule.entity.InvalidSchedule;
import dev.courier.schedule.entity.Schedule;
import dev.courier.schedule.entity.ScheduleRequest;
import dev.courier.task.boundary.Tasks;
import dev.courier.task.control.Handlers;
import dev.courier.task.entity.Task;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Creates, changes and reads recurring schedules; this instance's timers follow at once. */
@Stateless
public class Schedules {

  /** What a change did: created a new schedule or replaced an existing one. */
  public record Saved(JsonObject schedule, boolean created) {}

  @PersistenceContext EntityManager em;
  @Inject ScheduleTimers timers;
  @Inject ScheduleFirings firings;
  @Inject Tasks tasks;
  @Inject Handlers handlers;

  /** Creates a schedule; empty if one with that name exists already. */
  public Optional<JsonObject> create(ScheduleRequest request) {
    requireKnownType(request);
    if (em.find(Schedule.class, request.name()) != null) {
      return Optional.empty();
    }
    Schedule schedule = Schedule.of(request, Instant.now());
    em.persist(schedule);
    timers.synchronize();
    return Optional.of(json(schedule));
  }

  public Saved save(ScheduleRequest request) {
    requireKnownType(request);
    Schedule schedule = em.find(Schedule.class, request.name(), LockModeType.PESSIMISTIC_WRITE);
    boolean created = schedule == null;
    if (created) {
      schedule = Schedule.of(request, Instant.now());
      em.persist(schedule);
    } else {
      schedule.define(request, Instant.now());
    }
    timers.synchronize();
    return new Saved(json(schedule), created);
  }

  public boolean delete(String name) {
    Schedule schedule = em.find(Schedule.class, name, LockModeType.PESSIMISTIC_WRITE);
    if (schedule == null) {
      return false;
    }
    em.remove(schedule);
    timers.synchronize();
    return true;
  }

  public Optional<JsonObject> enable(String name, boolean enabled) {
    Schedule schedule = em.find(Schedule.class, name, LockModeType.PESSIMISTIC_WRITE);
    if (schedule == null) {
      return Optional.empty();
    }
    schedule.enable(enabled, Instant.now());
    timers.synchronize();
    return Optional.of(json(schedule));
  }

  public Optional<Task> trigger(String name) {
    return firings.trigger(name, Instant.now());
  }

  public Optional<JsonObject> find(String name) {
    return Optional.ofNullable(em.find(Schedule.class, name)).map(this::json);
  }

  public List<JsonObject> all() {
    return em.createNamedQuery(Schedule.ALL, Schedule.class)
        .getResultStream()
        .map(this::json)
        .toList();
  }

  private void requireKnownType(ScheduleRequest request) {
    if (!handlers.knows(request.task().type())) {
      throw new InvalidSchedule(
          "'task': no handler is registered for task type '" + request.task().type() + "'");
    }
  }

  private JsonObject json(Schedule schedule) {
    JsonObjectBuilder json = schedule.toJson(Instant.now());
    if (schedule.lastFireTime() == null) {
      json.add("lastRun", JsonValue.NULL);
    } else {
      JsonObjectBuilder last =
          JSON.createObjectBuilder().add("time", schedule.lastFireTime().toString());
      Optional<Task> task =
          schedule.lastTaskId() == null ? Optional.empty() : tasks.find(schedule.lastTaskId());
      last.add("taskId", task.<JsonValue>map(t -> JSON.createValue(t.id())).orElse(JsonValue.NULL));
      last.add(
          "state",
          task.<JsonValue>map(t -> JSON.createValue(t.state().name())).orElse(JsonValue.NULL));
      json.add("lastRun", last);
    }
    return json.build();
  }
}
