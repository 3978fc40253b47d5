"""Name parts and land uses the synthetic benchmark data is drawn from (the same in every bench)."""

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Xuân", "Thanh"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hạnh", "Hoà", "Thuý", "Long", "Sơn", "Thảo", "Lan", "Hùng", "Tâm", "Nam"]
LAND_USE = ["ONT", "ODT", "LUC", "CLN", "ONT+CLN", "BHK", "NTS"]
