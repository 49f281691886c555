"""Race-time prediction: Riegel and VDOT baselines, the Vickers population model, partial pooling
of a runner's
own efforts, calibrated intervals. Entry point: :func:`coaching.prediction.predict.predict_race`."""
