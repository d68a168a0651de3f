// All of tests/support: the helpers every test folder shares (values, errors, files, fixtures,
// shell commands).
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/errors.h"
#include "support/files.h"
#include "support/golden.h"
#include "support/process.h"
#include "support/values.h"
