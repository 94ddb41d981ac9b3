package dev.courier.task.boundary;

import dev.courier.task.control.RunningTasks;
import dev.courier.task.control.TaskMessages;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

/**
 * Hears cancellations of running tasks on {@code courier.control}: every instance subscribes, and
 * the one running the task interrupts its handler.
 */
@MessageDriven(
    activationConfig = {
      @ActivationConfigProperty(
          propertyName = "resourceAdapter",
          propertyValue = "courier-artemis"),
      @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
      @ActivationConfigProperty(
          propertyName = "destination",
          propertyValue = TaskMessages.CONTROL_TOPIC),
      @ActivationConfigProperty(
          propertyName = "destinationType",
          propertyValue = "jakarta.jms.Topic"),
      @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "1")
    })
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class CancelListener implements MessageListener {

  @Inject RunningTasks running;

  @Override
  public void onMessage(Message message) {
    try {
      String taskId = message.getStringProperty(TaskMessages.TASK_ID);
      if (taskId != null) {
        running.cancel(taskId);
      }
    } catch (JMSException e) {
      throw new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
    }
  }
}
