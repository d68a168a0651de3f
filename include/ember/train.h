// The train library: the Trainer loop and its callbacks, metrics, progress bar and checkpoints,
// and the run record it writes and reads back (RunLogger, read_run: metrics.jsonl, config.json,
// summary.json, TensorBoard events). The HTML report renderer is a library of its own
// (ember::report, <ember/train/report.h>).
//
//   train::Trainer trainer(model, adam, loss_fn, train::TrainerOptions().epochs(5));
//   train::History h = trainer.fit(train, val);
#pragma once
#include "ember/train/callbacks.h"
#include "ember/train/checkpoint.h"
#include "ember/train/metrics.h"
#include "ember/train/progress.h"
#include "ember/train/run_logger.h"
#include "ember/train/run_reader.h"
#include "ember/train/tensorboard.h"
#include "ember/train/trainer.h"
