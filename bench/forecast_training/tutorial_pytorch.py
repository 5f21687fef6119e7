"""The tutorial's StockForecaster training, verbatim, with a timer around it.

The code between the two "tutorial" markers is the tutorial's (seed 001, "Time Series
Forecasting: A Complete Example"); only the epoch count and the data normalisation are made
options. Run with Debian's PyTorch:

    OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 tutorial_pytorch.py --threads 1

It prints the tutorial's "Epoch N, Loss: ..." lines, then (with --json) one JSON line with the
timing: the seconds from building the model to the end of the last epoch (data preparation and
the DataLoader included, as a user of the tutorial experiences them; `import torch` is not).
After the timer stops it measures the MSE over all training windows of the trained model and of
the untrained one (rebuilt from the same seed), so a reader can see that the run really trained.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.optim as optim
from torch.utils.data import DataLoader, Dataset

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=100)
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--normalize", action="store_true",
                    help="z-score the prices first, as the tutorial advises after its code")
parser.add_argument("--json", action="store_true", help="print one JSON line with the results")
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
import numpy as np  # noqa: E402  (the tutorial imports it here too)

np.random.seed(args.seed)
start = time.perf_counter()

# ---- tutorial ------------------------------------------------------------------------------
class TimeSeriesDataset(Dataset):
    def __init__(self, data, sequence_length=30):
        self.data = data
        self.sequence_length = sequence_length

    def __len__(self):
        return len(self.data) - self.sequence_length

    def __getitem__(self, idx):
        x = self.data[idx:idx + self.sequence_length]
        y = self.data[idx + self.sequence_length]
        return torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)


class StockForecaster(nn.Module):
    def __init__(self, input_size=1, hidden_size=64, num_layers=2):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, 1)

    def forward(self, x):
        # x: [batch, seq_len, input_size]
        lstm_out, _ = self.lstm(x)  # [batch, seq_len, hidden_size]
        last_hidden = lstm_out[:, -1, :]  # [batch, hidden_size]
        prediction = self.fc(last_hidden)  # [batch, 1]
        return prediction


# Training loop
model = StockForecaster()
optimizer = optim.Adam(model.parameters(), lr=0.001)
criterion = nn.MSELoss()

prices = np.random.randn(1000).cumsum() + 100  # simulated stock prices
if args.normalize:
    prices = (prices - prices.mean()) / prices.std()
train_data = TimeSeriesDataset(prices, sequence_length=30)
train_loader = DataLoader(train_data, batch_size=32, shuffle=True)

for epoch in range(args.epochs):
    for x, y in train_loader:
        optimizer.zero_grad()
        pred = model(x.unsqueeze(-1))  # Add feature dimension
        loss = criterion(pred, y.unsqueeze(-1))
        loss.backward()
        optimizer.step()
    if (epoch + 1) % 10 == 0:
        print(f"Epoch {epoch + 1}, Loss: {loss.item():.4f}")
# ---- end of tutorial -----------------------------------------------------------------------

seconds = time.perf_counter() - start
last_batch_loss = loss.item()
torch.manual_seed(args.seed)
untrained = StockForecaster()  # the initial weights again: the model was built first after seeding
with torch.no_grad():
    windows = np.lib.stride_tricks.sliding_window_view(prices[:-1], 30)
    x_all = torch.tensor(windows, dtype=torch.float32).unsqueeze(-1)
    y_all = torch.tensor(prices[30:], dtype=torch.float32).unsqueeze(-1)
    untrained_mse = criterion(untrained(x_all), y_all).item()
    train_mse = criterion(model(x_all), y_all).item()
if args.json:
    print(json.dumps({
        "impl": "pytorch", "torch": torch.__version__, "threads": args.threads,
        "epochs": args.epochs, "samples": len(train_data), "batches_per_epoch": len(train_loader),
        "seconds": seconds, "last_batch_loss": last_batch_loss,
        "untrained_mse": untrained_mse, "train_mse": train_mse,
        "price_std": float(np.std(prices)),
    }))
