"""Trainers: the SlotContrast teacher and the SlotMatch student, with their schedule, checkpoints and
training-time metrics."""
from .checkpoint import CheckpointError, load_checkpoint, save_atomic
from .config import RunOptions, TrainConfig
from .evaluate import evaluate_folder
from .metrics import adjusted_rand_index, hard_labels, video_object_metrics
from .objectives import student_losses, teacher_losses, teacher_slots
from .schedule import ExpDecayWithWarmup
from .trainer import TrainingError, count_parameters, load_teacher, run_training

__all__ = [
    "CheckpointError",
    "load_checkpoint",
    "save_atomic",
    "RunOptions",
    "TrainConfig",
    "evaluate_folder",
    "adjusted_rand_index",
    "hard_labels",
    "video_object_metrics",
    "student_losses",
    "teacher_losses",
    "teacher_slots",
    "ExpDecayWithWarmup",
    "TrainingError",
    "count_parameters",
    "load_teacher",
    "run_training",
]
