package dev.courier.schedule.boundary;

import dev.courier.schedule.control.DeclaredSchedules;
import dev.courier.schedule.control.ScheduleFirings;
import dev.courier.schedule.entity.Schedule;
import dev.courier.schedule.entity.ScheduleRequest;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Keeps one EJB calendar timer per enabled schedule in this instance, built from the database: at
 * start-up (after running missed firings by each schedule's misfire policy), whenever this instance
 * changes a schedule, and every few seconds for changes made by other instances. The timers are not
 * persistent: the database is the record, so schedules survive restarts on any server.
 */
@Startup
@Singleton
@DependsOn("EmbeddedBroker")
public class ScheduleTimers {

  private static final Logger LOG = Logger.getLogger(ScheduleTimers.class.getName());

  @Resource TimerService timers;
  @PersistenceContext EntityManager em;
  @Inject ScheduleFirings firings;
  @Inject DeclaredSchedules declared;

  @PostConstruct
  void start() {
    // one instant for all schedules: each is caught up to the same point before its timer is armed
    Instant now = Instant.now();
    declared.forEach(request -> declare(request, now));
    for (Schedule schedule : all()) {
      firings.catchUp(schedule.name(), now);
    }
    synchronize();
  }

  /** Arms, re-arms and disarms this instance's timers to match the schedules table. */
  @Lock(LockType.WRITE)
  @jakarta.ejb.Schedule(second = "*/5", minute = "*", hour = "*", persistent = false)
  public void synchronize() {
    Map<String, Timer> armed = new HashMap<>();
    for (Timer timer : timers.getTimers()) {
      if (timer.getInfo() instanceof String info) {
        armed.put(info, timer);
      }
    }
    for (Schedule schedule : all()) {
      String info = schedule.name() + "@" + schedule.revision();
      if (schedule.enabled() && armed.remove(info) == null) {
        timers.createCalendarTimer(
            schedule.cronExpression().toScheduleExpression(), new TimerConfig(info, false));
        LOG.fine(() -> "armed schedule " + info);
      }
    }
    armed.values().forEach(Timer::cancel);
  }

  @Timeout
  @Lock(LockType.READ)
  void fire(Timer timer) {
    String info = (String) timer.getInfo();
    firings.fire(info.substring(0, info.lastIndexOf('@')), Instant.now());
  }

  /**
   * Creates a schedule declared in configuration, or redefines it when its declaration changed;
   * whether it is paused is left to the API.
   */
  private void declare(ScheduleRequest request, Instant now) {
    Schedule existing = em.find(Schedule.class, request.name());
    if (existing == null) {
      em.persist(Schedule.of(request, now));
      LOG.info(() -> "schedule " + request.name() + " declared in configuration");
    } else if (!existing.isDefinedAs(request)) {
      existing.define(request, now);
      LOG.info(() -> "schedule " + request.name() + " redefined by configuration");
    }
  }

  private java.util.List<Schedule> all() {
    return em.createNamedQuery(Schedule.ALL, Schedule.class).getResultList();
  }
}
